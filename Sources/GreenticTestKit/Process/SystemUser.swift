import Foundation

/// A local account a service runs as.
package struct SystemUser: Sendable, Equatable {
    public var name: String
    public var uid: UInt32
    public var gid: UInt32

    /// Looks up an account by name.
    public static func named(_ name: String) -> SystemUser? {
        guard let pw = getpwnam(name) else { return nil }
        return SystemUser(name: name, uid: pw.pointee.pw_uid, gid: pw.pointee.pw_gid)
    }
}

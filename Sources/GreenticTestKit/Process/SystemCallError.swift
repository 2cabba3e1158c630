import CProcessSpawn
import Foundation

/// A failed system call: its errno and the operation that produced it (named apart from
/// Foundation's `POSIXError`, which it would otherwise shadow).
package struct SystemCallError: Error, CustomStringConvertible {
    public var errno: Int32
    public var context: String

    public init(errno: Int32, context: String) {
        self.errno = errno
        self.context = context
    }

    static func current(context: String) -> SystemCallError {
        SystemCallError(errno: Foundation.errno, context: context)
    }

    public var description: String {
        "\(context): \(String(cString: strerror(errno)))"
    }
}

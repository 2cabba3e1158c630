import Foundation
import Synchronization

/// The kit's own executable could not be found or built.
package struct KitExecutableError: Error, CustomStringConvertible {
    public var name: String
    /// Every place looked at, in order.
    public var searched: [String]
    /// What happened to the on-demand build (nil when none applies).
    public var build: String?

    public var description: String {
        "\(name) not found; searched: \(searched.joined(separator: ", "))"
            + (build.map { "; on-demand build: \($0)" } ?? "")
            + ". Set GREENTIC_INTEGRATION_BIN to the binary, or run `swift build --product \(name)` in the package under test."
    }
}

import Foundation

/// Machine output: written to stdout at once (unbuffered), one item per call.
enum StandardOutput {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

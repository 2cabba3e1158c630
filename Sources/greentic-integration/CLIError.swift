import ArgumentParser

/// A one-line error printed on stderr with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32 = 1

    var description: String { message }
}

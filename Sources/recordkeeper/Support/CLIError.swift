/// A command-line failure with a message the user can act on (printed without a stack trace).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

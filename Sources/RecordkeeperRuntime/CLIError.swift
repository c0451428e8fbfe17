/// A command-line failure with a message the user can act on (printed without a stack trace).
public struct CLIError: Error, CustomStringConvertible {
    /// The message.
    public var description: String
    /// A failure with `description` as its message.
    public init(_ description: String) { self.description = description }
}

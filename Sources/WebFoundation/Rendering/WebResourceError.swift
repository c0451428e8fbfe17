/// A template or asset of the pages is missing or broken: the service does not start.
public struct WebResourceError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

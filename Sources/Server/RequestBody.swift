import Hummingbird
import NIOCore

extension Request {
    /// The whole body, at most `limit` bytes. A larger body throws `tooLarge()` (Hummingbird
    /// reports it as `NIOTooManyBytesError` or as an HTTP 413 error, depending on where the
    /// limit was hit); any other failure (the client went away) is rethrown as it is.
    func collectBody(upTo limit: Int, tooLarge: () -> any Error) async throws -> [UInt8] {
        do {
            return Array(try await body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        }
    }
}

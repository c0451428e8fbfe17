import Foundation
import TestSupport

/// Polls `url` until it answers (any status), failing early if `process` exits.
package func waitForHTTP(_ url: String, from process: ChildProcess, within limit: Duration) async throws -> HTTPResult {
    let deadline = ContinuousClock.now + limit
    var lastError: (any Error)?
    while ContinuousClock.now < deadline {
        if let termination = process.poll() {
            throw TestSetupError("`\(process.command)` ended (\(termination)) before answering \(url); stderr:\n\(process.stderr)")
        }
        do {
            return try await httpGet(url, timeout: 2)
        } catch {
            lastError = error
        }
        try await Task.sleep(for: .milliseconds(250))
    }
    throw TestSetupError(
        "\(url) did not answer within \(limit) (last error: \(lastError.map { "\($0)" } ?? "none")); serve's stderr:\n\(process.stderr)"
    )
}

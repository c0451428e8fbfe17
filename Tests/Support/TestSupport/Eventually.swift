public import Testing

/// Waits until `condition` holds, checking it every `interval`, for at most `timeout`; the one
/// polling helper of the tests.
///
/// When the condition never holds, the test fails with `message` (recorded at the caller) and
/// this returns `false`, so a test that cannot go on writes `guard try await eventually(…) else
/// { return }`. The timeout is generous on purpose: it bounds a hang, it does not measure speed.
@discardableResult
public func eventually(
    _ message: String,
    timeout: Duration = .seconds(60),
    interval: Duration = .milliseconds(50),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    if try await condition() { return true }
    Issue.record("\(message) (not within \(timeout))", sourceLocation: sourceLocation)
    return false
}

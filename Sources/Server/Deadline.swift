import NIOConcurrencyHelpers

/// The operation did not finish within its deadline.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var timeout: Duration
    var description: String { "no answer within \(timeout)" }
}

/// Runs `operation` and returns its result, or throws ``DeadlineExceeded`` once `timeout` has
/// passed, whichever comes first.
///
/// Unlike a task group, this does not wait for an operation that ignores cancellation (an
/// append queued for a database that is down): the operation goes on in the background, and
/// whatever it does later (a commit) is the ledger's business, not the caller's.
func withDeadline<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let slot = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
    let resume: @Sendable (Result<T, any Error>) -> Void = { result in
        slot.withLockedValue { continuation in
            continuation?.resume(with: result)
            continuation = nil
        }
    }
    return try await withCheckedThrowingContinuation { continuation in
        slot.withLockedValue { $0 = continuation }
        let timer = NIOLockedValueBox<Task<Void, Never>?>(nil)
        let work = Task {
            do { resume(.success(try await operation())) } catch { resume(.failure(error)) }
            timer.withLockedValue { $0?.cancel() }
        }
        let clock = Task {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            resume(.failure(DeadlineExceeded(timeout: timeout)))
            work.cancel()
        }
        timer.withLockedValue { $0 = clock }
    }
}

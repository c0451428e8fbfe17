import NIOConcurrencyHelpers

/// An operation did not finish within its deadline.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public var timeout: Duration
    public var description: String { "no answer within \(timeout)" }
}

/// Runs `operation` and returns its result; throws ``DeadlineExceeded`` once `timeout` has
/// passed, or `CancellationError` as soon as the calling task is cancelled, whichever comes
/// first.
///
/// Unlike a task group, this never waits for an operation that ignores cancellation: an append
/// queued for a database that is down, or a PostgresNIO query on a connection the server
/// terminated mid-statement (seen with postgres-nio 1.33.2: the query never completes). The
/// operation goes on in the background (it is cancelled), and whatever it does later, such as
/// a commit, is the ledger's business, not the caller's.
public func withDeadline<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let slot = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
    let work = NIOLockedValueBox<Task<Void, Never>?>(nil)
    let resume: @Sendable (Result<T, any Error>) -> Void = { result in
        slot.withLockedValue { continuation in
            continuation?.resume(with: result)
            continuation = nil
        }
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            slot.withLockedValue { $0 = continuation }
            let timer = NIOLockedValueBox<Task<Void, Never>?>(nil)
            let task = Task {
                do { resume(.success(try await operation())) } catch { resume(.failure(error)) }
                timer.withLockedValue { $0?.cancel() }
            }
            work.withLockedValue { $0 = task }
            let clock = Task {
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                resume(.failure(DeadlineExceeded(timeout: timeout)))
                task.cancel()
            }
            timer.withLockedValue { $0 = clock }
        }
    } onCancel: {
        resume(.failure(CancellationError()))
        work.withLockedValue { $0?.cancel() }
    }
}

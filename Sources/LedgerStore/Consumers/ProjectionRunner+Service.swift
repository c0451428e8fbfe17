import Logging
import NIOConcurrencyHelpers
import PostgresNIO
public import ServiceLifecycle

extension ProjectionRunner: Service {
    /// The channel the `ledger_heads` trigger notifies after each committed append.
    public static let notificationChannel = "rk_ledger_appended"

    /// Catches up at start, then whenever an append is notified (LISTEN on a leased connection,
    /// re-established after a failure) and every ``pollInterval``, at most once per
    /// ``coalesceInterval``; until graceful shutdown.
    /// Errors are logged and retried on the next wake-up: they never stop the service group.
    public func run() async throws {
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wake.yield()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen(wake: wake) }
            group.addTask { await self.poll(wake: wake) }
            await cancelWhenGracefulShutdown {
                for await _ in wakes {
                    if Task.isCancelled { break }
                    await self.catchUpLogging()
                    // Let appends that arrive meanwhile gather: one larger batch costs far less
                    // than one transaction per commit (the wake-ups in between collapse into one).
                    try? await Task.sleep(for: self.coalesceInterval)
                }
            }
            group.cancelAll()
        }
        wake.finish()
    }

    /// Listens for appends; after each (re)connection it wakes the loop once, since
    /// notifications sent while it was not listening are lost.
    private func listen(wake: AsyncStream<Void>.Continuation) async {
        var backoff = Duration.milliseconds(250)
        while !Task.isCancelled {
            do {
                try await store.client.withConnection { connection in
                    try await connection.listen(on: Self.notificationChannel) { notifications in
                        self.listening.withLockedValue { $0 = true }
                        wake.yield()
                        for try await _ in notifications { wake.yield() }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("projection runner: LISTEN failed; retrying", metadata: ["error": "\(describeError(error))"])
            }
            // A connection that listened for a while earns a quick reconnect; repeated failures back off.
            let listened = listening.withLockedValue { value in
                defer { value = false }
                return value
            }
            backoff = listened ? .milliseconds(250) : min(backoff * 2, .seconds(10))
            try? await Task.sleep(for: backoff)
        }
        listening.withLockedValue { $0 = false }
    }

    private func poll(wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: pollInterval) } catch { return }
            wake.yield()
        }
    }

    /// One pass over every projection and ledger; a failure of one does not stop the others.
    func catchUpLogging() async {
        let statuses: [ProjectionStatus]
        do {
            statuses = try await pendingWork()
        } catch {
            logger.warning("projection runner: cannot read projection state", metadata: ["error": "\(describeError(error))"])
            return
        }
        for status in statuses {
            if Task.isCancelled { return }
            do {
                let projection = try projection(named: status.projection)
                let progress = try await catchUp(projection, ledger: status.ledger)
                if progress.applied > 0 { onApplied?(projection.name, status.ledger) }
                logger.debug(
                    "projection caught up",
                    metadata: [
                        "projection": "\(status.projection)", "ledger": "\(status.ledger)", "applied": "\(progress.applied)",
                        "position": "\(progress.lastPosition)",
                    ])
            } catch {
                if Task.isCancelled { return }  // shutting down: the transaction was rolled back
                logger.error(
                    "projection failed; retrying on the next wake-up",
                    metadata: ["projection": "\(status.projection)", "ledger": "\(status.ledger)", "error": "\(describeError(error))"])
            }
        }
    }
}

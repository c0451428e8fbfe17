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
    ///
    /// Each wake-up reads where the projections stand (one query) and hands each lane (see
    /// ``lanes``) its projections with work. The lanes catch up side by side, each taking its
    /// projections in turn, one batch at a time (`ProjectionRunner+Lanes.swift`): a projection
    /// that workers wait on is never behind a long replay of another one.
    /// Errors are logged and retried on the next wake-up: they never stop the service group.
    public func run() async throws {
        let lanes = serviceLanes
        let streams = lanes.map { _ in AsyncStream<[ProjectionStatus]>.makeStream(bufferingPolicy: .bufferingNewest(1)) }
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wake.yield()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen(wake: wake) }
            group.addTask { await self.poll(wake: wake) }
            await cancelWhenGracefulShutdown {
                await withTaskGroup(of: Void.self) { laneTasks in
                    for (lane, stream) in zip(lanes, streams) {
                        let work = stream.stream
                        laneTasks.addTask {
                            // A lane still busy when new work is handed over finds only the newest
                            // hand-over waiting (each one lists everything pending at its time).
                            for await pending in work {
                                if Task.isCancelled { break }
                                await self.catchUpFairly(lane: lane, pending: pending)
                            }
                        }
                    }
                    for await _ in wakes {
                        if Task.isCancelled { break }
                        if let pending = await self.pendingWorkLogging() {
                            for (lane, stream) in zip(lanes, streams) {
                                let mine = pending.filter { lane.contains($0.projection) }
                                if !mine.isEmpty { stream.continuation.yield(mine) }
                            }
                        }
                        // Let appends that arrive meanwhile gather: one larger batch costs far less
                        // than one transaction per commit (the wake-ups in between collapse into one).
                        try? await Task.sleep(for: self.coalesceInterval)
                    }
                    for stream in streams { stream.continuation.finish() }
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
}

import LedgerStore
public import Logging
import NIOConcurrencyHelpers
public import PostgresNIO

/// Whether the credentials a process has cached may still be trusted (docs/operations.md,
/// "Cached credentials").
///
/// PostgreSQL notifies ``channel`` whenever a staff user, role, team, token or session, or an
/// integration, changes (triggers of migration 0028, so every writer is covered). A watch counts
/// those changes in a *generation*: a ``CredentialCache`` entry is served only while the
/// generation it was stored under is still the current one and the watch is listening. So one
/// notification drops every entry of every cache at once, and while the process is not listening
/// (not yet started, connection lost) nothing is served from a cache: every request is checked
/// in the database. A change made by this process itself, through the database client the watch
/// listens with (``changedHere(through:)``, called by the staff directory and the integration
/// registry, whichever instance made it), drops every answer of that watch before the change's
/// call returns, without waiting for the notification.
public final class CredentialWatch: Sendable {
    /// The channel migration 0028's triggers notify.
    public static let channel = "rk_credentials_changed"

    /// What an answer is stored under: the watch's count of changes and its client's.
    public struct Generation: Sendable, Equatable {
        let heard: UInt64
        let local: UInt64
    }

    /// Changes made by this process, counted per database client.
    private static let localChanges = NIOLockedValueBox<[ObjectIdentifier: UInt64]>([:])

    /// This process changed a credential through `client` (a token or integration revoked, a
    /// session ended, a user's roles changed …): every answer of the watch listening with that
    /// client is dropped now.
    public static func changedHere(through client: PostgresClient) {
        localChanges.withLockedValue { $0[ObjectIdentifier(client), default: 0] &+= 1 }
    }

    private static func localChanges(of client: ObjectIdentifier?) -> UInt64 {
        guard let client else { return 0 }
        return localChanges.withLockedValue { $0[client] ?? 0 }
    }

    private struct State {
        var generation: UInt64 = 0
        var listening = false
        /// The client ``listen(client:logger:)`` listens with.
        var client: ObjectIdentifier?
    }
    private let state = NIOLockedValueBox(State())

    public init() {}

    /// The generation a lookup about to read the database stores its answer under; nil when the
    /// watch is not listening (the answer must then not be kept).
    public var ticket: Generation? {
        let (listening, heard, client) = state.withLockedValue { ($0.listening, $0.generation, $0.client) }
        return listening ? Generation(heard: heard, local: Self.localChanges(of: client)) : nil
    }

    /// Whether an answer stored under `generation` may be served now.
    public func isCurrent(_ generation: Generation) -> Bool {
        let (listening, heard, client) = state.withLockedValue { ($0.listening, $0.generation, $0.client) }
        return listening && heard == generation.heard && Self.localChanges(of: client) == generation.local
    }

    /// Whether the watch is listening: caches may serve.
    public var isListening: Bool { state.withLockedValue { $0.listening } }

    /// How many changes (notifications, ``changed()``, starts and stops of listening) it has seen.
    public var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// Something that may change a credential's answer changed: every cached answer is dropped.
    public func changed() {
        state.withLockedValue { $0.generation &+= 1 }
    }

    /// The process now listens (LISTEN is in effect): caches may serve what they store from now on.
    /// What was stored before is dropped, since changes made meanwhile were not heard.
    public func startedListening() {
        state.withLockedValue {
            $0.generation &+= 1
            $0.listening = true
        }
    }

    /// The process stopped listening: nothing is served from a cache until it listens again.
    public func stoppedListening() {
        state.withLockedValue {
            $0.generation &+= 1
            $0.listening = false
        }
    }

    /// Listens on ``channel`` on a connection of `client` until the task is cancelled, marking the
    /// watch as listening while LISTEN is in effect and counting each notification as a change;
    /// after a failure it stops listening, waits (250 ms, doubling up to 10 s while failures
    /// repeat) and listens again.
    public func listen(client: PostgresClient, logger: Logger) async {
        state.withLockedValue { $0.client = ObjectIdentifier(client) }
        var backoff = Duration.milliseconds(250)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        self.startedListening()
                        for try await _ in notifications { self.changed() }
                    }
                }
            } catch {
                if !Task.isCancelled {
                    logger.warning(
                        "credential cache: LISTEN failed; every request is checked in the database until it listens again",
                        metadata: ["error": "\(describeError(error))"])
                }
            }
            let listened = isListening
            stoppedListening()
            if Task.isCancelled { break }
            // A connection that listened earns a quick reconnect; repeated failures back off.
            backoff = listened ? .milliseconds(250) : min(backoff * 2, .seconds(10))
            try? await Task.sleep(for: backoff)
        }
        stoppedListening()
    }
}

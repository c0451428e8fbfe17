public import Ledger
import LedgerStore
public import Logging
import NIOConcurrencyHelpers
public import PostgresNIO
public import ServiceLifecycle

/// The relay configuration in memory: which relays serve which business numbers, with their
/// secrets unsealed, so the webhook path looks relays up without a query.
///
/// As a `Service` it reloads `webhook_relays` every ``reloadInterval`` (so `recordkeeper relays
/// add/remove` take effect without a restart) until graceful shutdown. A failed reload keeps
/// the previous configuration and is logged.
public final class WebhookRelayDirectory: Service, Sendable {
    struct Snapshot: Sendable {
        var byName: [String: WebhookRelayTarget] = [:]
        /// Enabled relays by phone number id.
        var byNumber: [String: [String]] = [:]

        init(_ targets: [WebhookRelayTarget]) {
            for target in targets {
                byName[target.relay.name] = target
                guard target.relay.enabled else { continue }
                for number in target.relay.phoneNumberIDs { byNumber[number, default: []].append(target.relay.name) }
            }
        }
    }

    let client: PostgresClient
    let masterKey: MasterKey?
    /// How often the configuration is read again.
    public let reloadInterval: Duration
    let logger: Logger
    private let snapshot = NIOLockedValueBox<Snapshot?>(nil)

    /// - Parameters:
    ///   - masterKey: opens the relay secrets; without it no relay is loaded.
    ///   - reloadInterval: how often the service reads the configuration again.
    public init(client: PostgresClient, masterKey: MasterKey?, reloadInterval: Duration = .seconds(10), logger: Logger) {
        self.client = client
        self.masterKey = masterKey
        self.reloadInterval = reloadInterval
        self.logger = logger
    }

    /// Reads the configuration now.
    public func reload() async throws {
        guard let masterKey else {
            snapshot.withLockedValue { $0 = Snapshot([]) }
            return
        }
        let targets = try await WebhookRelayStore.targets(client: client, master: masterKey, logger: logger)
        snapshot.withLockedValue { $0 = Snapshot(targets) }
    }

    /// The enabled relays serving any of `phoneNumberIDs`, each with the numbers it serves
    /// among them, by relay name. Loads the configuration first if it was never loaded (a
    /// failure is logged and gives no relays: the delivery is recorded all the same).
    public func relays(serving phoneNumberIDs: Set<String>) async -> [(relay: String, phoneNumberIDs: [String])] {
        guard !phoneNumberIDs.isEmpty, let current = await current() else { return [] }
        var matched: [String: [String]] = [:]
        for number in phoneNumberIDs {
            for relay in current.byNumber[number] ?? [] { matched[relay, default: []].append(number) }
        }
        return matched.sorted { $0.key < $1.key }.map { ($0.key, $0.value.sorted()) }
    }

    /// Whether any enabled relay is configured (a cheap check before looking at a delivery);
    /// true before the first load, so that the first delivery loads it.
    public var mayRelay: Bool {
        snapshot.withLockedValue { $0.map { !$0.byNumber.isEmpty } ?? true }
    }

    /// The relay named `name` with its secret; reloads once when it is not known (another
    /// process may have added it since the last reload).
    func target(named name: String) async -> WebhookRelayTarget? {
        if let found = snapshot.withLockedValue({ $0?.byName[name] }) { return found }
        do { try await reload() } catch {
            logger.error("cannot read the webhook relay configuration", metadata: ["error": "\(describeError(error))"])
            return nil
        }
        return snapshot.withLockedValue { $0?.byName[name] }
    }

    /// The names of configured relays that are disabled.
    var disabledNames: [String] {
        snapshot.withLockedValue { $0?.byName.values.filter { !$0.relay.enabled }.map(\.relay.name) ?? [] }
    }

    private func current() async -> Snapshot? {
        if let loaded = snapshot.withLockedValue({ $0 }) { return loaded }
        do { try await reload() } catch {
            logger.error("cannot read the webhook relay configuration", metadata: ["error": "\(describeError(error))"])
        }
        return snapshot.withLockedValue { $0 }
    }

    /// Reloads every ``reloadInterval`` until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await self.reload() } catch {
                    if Task.isCancelled { return }
                    self.logger.warning("webhook relay configuration not reloaded; keeping the last one", metadata: ["error": "\(describeError(error))"])
                }
                do { try await Task.sleep(for: self.reloadInterval) } catch { return }
            }
        }
    }
}

import Access
import Foundation
import HTTPTypes
import HummingbirdTesting
import Ledger
import LedgerStore
import PostgresNIO
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp

/// Unauthenticated callers cannot grow the ledger at will (issue 12, finding 17): forged
/// deliveries past a budget are counted, not recorded one by one.
@Suite("Rejection budget", .timeLimit(.minutes(3)))
struct RejectionBudgetTests {
    @Test("per source and overall limits per window; the next recorded refusal carries the count of those not recorded")
    func limits() {
        let budget = RejectionBudget(perSource: 2, overall: 3, window: .seconds(60), maxSources: 2)
        let start = ContinuousClock.now
        let decisions = ["a", "a", "a", "b", "c", "c"].map { budget.admit(source: $0, now: start) }
        #expect(decisions.map(\.record) == [true, true, false, true, false, false], "a: 2 of 3; b: the 3rd overall; then the overall limit")
        #expect(decisions[3].suppressedBefore == 1, "b's entry says one refusal (a's third) was not recorded")
        // A new window: recorded again, carrying the two that were only counted since.
        let next = budget.admit(source: "c", now: start + .seconds(61))
        #expect(next == RejectionBudget.Decision(record: true, suppressedBefore: 2))
        #expect(budget.admit(source: "c", now: start + .seconds(62)).suppressedBefore == 0)
    }

    @Test("sign-ins with made-up names add a bounded number of staff.login.failed entries")
    func unknownNameFlood() async throws {
        try await withMigratedDatabase { db in
            let counted = try await db.withStore { client, store in
                let directory = StaffDirectory(
                    store: store, ledger: "main", bcryptCost: 4, failureBudget: RejectionBudget(perSource: 10, overall: 5), logger: testLogger)
                for index in 1...30 {
                    await #expect(throws: SignInRefusal.invalidCredentials) {
                        _ = try await directory.signIn(name: "nobody\(index)", password: "a long wrong password", totp: nil, requireMFA: true)
                    }
                }
                return try await client.query(
                    "SELECT count(*) FROM ledger_entries WHERE event_type = \(StaffEvents.loginFailed)", logger: testLogger
                ).collect().first!.decode(Int64.self)
            }
            #expect(counted == 5, "30 refusals, 5 recorded")
        }
    }

    @Test("a flood of forged deliveries from one address adds a bounded number of entries, and the count of the rest")
    func forgedFlood() async throws {
        let migrations = try ScratchDatabase.migrations()
        try await withScratchDatabase { database in
            try await database.migrate(migrations)
            var settings = WebhookDeliveries.settings
            settings.rejectionBudget = RejectionBudget(perSource: 3, overall: 100, window: .seconds(2))
            let masterKey = MasterKey.generate()
            try await withRecordkeeperApp(
                databaseURL: database.serviceURL, migrations: migrations, masterKey: masterKey, whatsApp: settings, setup: .live
            ) { client in
                for index in 1...20 {
                    let body = WebhookDeliveries.textDelivery(wamid: "wamid.flood-\(index)", text: "forged \(index)")
                    try await client.deliver(body, signature: "sha256=" + String(repeating: "0", count: 64)) { #expect($0.status == .unauthorized) }
                }
                try await Task.sleep(for: .seconds(2.2))
                let last = WebhookDeliveries.textDelivery(wamid: "wamid.flood-last", text: "forged last")
                try await client.deliver(last, signature: nil) { #expect($0.status == .unauthorized) }
            }
            let rejected = try await ledgerRecords(database.serviceURL, masterKey: masterKey).filter {
                $0.entry.fields.eventType == "whatsapp.webhook.rejected"
            }
            #expect(rejected.count == 4, "3 of the flood and the one after the window")
            #expect(try rejected.last?.headerJSON()["suppressed_before"]?.integer == 17)
        }
    }
}

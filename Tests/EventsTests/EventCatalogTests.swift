import Events
import Foundation
import Testing

@Suite("Event catalog")
struct EventCatalogTests {
    /// docs/events.md, from this file's place in the repository.
    static let documentURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/events.md")

    @Test("every type string is unique and of the form family.thing[.more]")
    func typeStrings() throws {
        let pattern = try Regex("^[a-z][a-z_]*(\\.[a-z_]+)+$")
        var seen: Set<String> = []
        for event in EventCatalog.all {
            #expect(event.type.wholeMatch(of: pattern) != nil, "malformed event type \(event.type)")
            #expect(seen.insert(event.type).inserted, "\(event.type) is in the catalog twice")
        }
        // The 51 types of the code when the catalog was made: a shrinking catalog is a mistake.
        #expect(EventCatalog.all.count >= 51)
    }

    @Test("every definition is filled in and fits in a Markdown table cell")
    func definitions() {
        for event in EventCatalog.all {
            let cells = [event.stream, event.writer, event.meaning, event.payload] + event.header
            for cell in cells {
                #expect(!cell.isEmpty, "\(event.type) has an empty cell")
                #expect(!cell.contains("|") && !cell.contains("\n"), "\(event.type): \(cell) would break the table")
            }
            #expect(!event.header.isEmpty, "\(event.type) names no retained header member")
            #expect(!event.header.contains("v"), "\(event.type): \"v\" is the version column, not a header member")
        }
        for family in EventCatalog.families {
            #expect(!family.events.isEmpty, "family \(family.title) is empty")
        }
    }

    @Test("the type constants the modules use are the catalog's")
    func constantsAreCatalogued() {
        let constants: [String] = [
            WhatsAppEventType.messageReceived, WhatsAppEventType.statusUpdated, WhatsAppEventType.errorReceived,
            WhatsAppEventType.notificationReceived, WhatsAppEventType.webhookUnparsed, WhatsAppEventType.webhookRejected,
            WhatsAppEventType.mediaStored, WhatsAppEventType.mediaFetchFailed, WhatsAppEventType.mediaUnavailable,
            WhatsAppEventType.webhookRelayQueued, WhatsAppEventType.webhookRelayed,
            InboxContractEvent.routed, InboxContractEvent.pending, InboxContractEvent.closed, InboxContractEvent.reopened,
        ]
        let catalogued = Set(EventCatalog.all.map(\.type))
        for type in constants.sorted() + OutboundEventType.all.sorted() {
            #expect(catalogued.contains(type), "\(type) is not in EventCatalog")
            #expect(EventCatalog.definition(of: type)?.type == type)
        }
        #expect(EventCatalog.definition(of: "no.such.type") == nil)
    }

    @Test("every event type written as a literal in Sources or Tests is in the catalog")
    func literalsAreCatalogued() throws {
        let root = Self.documentURL.deletingLastPathComponent().deletingLastPathComponent()
        // In Swift, an `eventType:` argument that is a string literal; in SQL, `event_type =` or
        // `event_type IN (…)` with quoted literals.
        let swiftLiteral = try Regex(#"eventType: *"([^"\\]*)""#)
        let sqlLiteral = try Regex(#"event_type *(?:=|IN) *\(?('[^']*'(?: *, *'[^']*')*)"#)
        let quoted = try Regex("'([^']*)'")
        let catalogued = Set(EventCatalog.all.map(\.type))
        var found: [String: String] = [:]
        for folder in ["Sources", "Tests"] {
            let files = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard url.pathExtension == "swift", let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                for match in text.matches(of: swiftLiteral) {
                    found[String(match.output[1].substring ?? "")] = url.lastPathComponent
                }
                for match in text.matches(of: sqlLiteral) {
                    for type in (match.output[1].substring ?? "").matches(of: quoted) {
                        found[String(type.output[1].substring ?? "")] = url.lastPathComponent
                    }
                }
            }
        }
        #expect(found.count >= 5, "the scan found too few literals: \(found.keys.sorted())")
        for (type, file) in found.sorted(by: { $0.key < $1.key }) {
            #expect(catalogued.contains(type), "\(file) writes the event type \(type), which is not in EventCatalog")
        }
    }

    @Test("docs/events.md is the catalog's markdown (RECORDKEEPER_WRITE_EVENTS_DOC=1 rewrites it)")
    func documentIsGenerated() throws {
        let generated = EventCatalog.markdown()
        if ProcessInfo.processInfo.environment["RECORDKEEPER_WRITE_EVENTS_DOC"] == "1" {
            try generated.write(to: Self.documentURL, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.documentURL, encoding: .utf8)
        #expect(
            committed == generated,
            """
            docs/events.md differs from EventCatalog.markdown(): regenerate it with
            RECORDKEEPER_WRITE_EVENTS_DOC=1 swift test --filter EventsTests
            """)
        for event in EventCatalog.all {
            #expect(generated.contains("| `\(event.type)` |"), "\(event.type) has no row")
        }
    }
}

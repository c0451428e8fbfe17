import Disposition
import Foundation
import Retention
import Testing

/// The destruction certificate's renderings (CSV, JSON, HTML, text) of a hand-built certificate:
/// no database.
@Suite("Destruction certificate: rendering")
struct DestructionCertificateRenderingTests {
    static let march = Date(timeIntervalSince1970: 1_772_323_200)  // 2026-03-01T00:00:00Z

    /// A certificate of two records of a series whose title is `title`.
    static func certificate(title: String, checkpoint: Bool = true, pendingKeys: Int = 0) -> DestructionCertificate {
        let day: TimeInterval = 86_400
        return DestructionCertificate(
            ledger: "main", list: "DL-20280501-ab12cd34",
            series: .init(
                citation: "GS2010-001 Rev. 2", dan: "GS2010-001", revision: 2, title: title, description: "Routine, everyday correspondence.",
                retention: "2 years", retentionISO: "P2Y", trigger: "the communication (received or provided, whichever is later)"),
            schedule: .init(name: "washington-core", version: "2026.1", position: 1),
            volume: .init(records: 2, messages: 7, entries: 11, payloads: 11, dataKeys: 2),
            datesCovered: .init(from: march, to: march.addingTimeInterval(40 * day)),
            retentionMet: march.addingTimeInterval(800 * day),
            inventoried: .init(actor: "cli:ana", at: march.addingTimeInterval(801 * day), position: 20),
            approvals: [.init(actor: "cli:ben", at: march.addingTimeInterval(802 * day), position: 21)],
            destroyed: [.init(actor: "cli:ana", at: march.addingTimeInterval(803 * day), position: 22)], pendingKeys: pendingKeys,
            records: [
                .init(
                    id: "wa/100/p:15550001@2026-03", period: "2026-03", kind: "correspondence", messages: 4, entries: 6, firstAt: march,
                    lastAt: march.addingTimeInterval(10 * day), destroyedBy: 22),
                .init(
                    id: "wa/100/p:15550002@2026-04", period: "2026-04", kind: "correspondence", messages: 3, entries: 5,
                    firstAt: march.addingTimeInterval(31 * day), lastAt: march.addingTimeInterval(40 * day), destroyedBy: 22),
            ],
            citations: [
                .init(position: 1, eventType: "retention.catalog.loaded", what: "the schedule catalog in force"),
                .init(position: 20, eventType: "retention.disposition.listed", what: "the list"),
                .init(position: 21, eventType: "retention.disposition.approved", what: "approval 1 of 1"),
                .init(position: 22, eventType: "record.destroyed", what: "the authority"),
            ],
            checkpoint: checkpoint
                ? .init(
                    id: 3, treeSize: 25, createdAt: march.addingTimeInterval(804 * day),
                    note: "example.org/ledgers/main\n25\nq1w2e3r4=\n\n— example.org/ledgers/main AbCdEf==\n")
                : nil,
            generatedAt: march.addingTimeInterval(805 * day))
    }

    /// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF rows).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(c)
            }
        }
        return rows
    }

    @Test("CSV: a header row and one row per record; a title with a comma and a quote is quoted and reads back exactly")
    func csvQuoting() throws {
        let title = "Letters, \"urgent\" and routine"
        let csv = Self.certificate(title: title).csv()
        #expect(csv.contains("\"Letters, \"\"urgent\"\" and routine\""), "RFC 4180: the field quoted and its quotes doubled")
        #expect(csv.hasSuffix("\r\n"))
        let rows = Self.parseCSV(csv)
        #expect(rows.count == 3, "a header and two records: \(rows)")
        let header = try #require(rows.first)
        #expect(rows.allSatisfy { $0.count == header.count }, "every row has as many fields as the header")
        let titleColumn = try #require(header.firstIndex(of: "series_title"))
        let recordColumn = try #require(header.firstIndex(of: "record_id"))
        let danColumn = try #require(header.firstIndex(of: "dan"))
        #expect(rows[1][titleColumn] == title)
        #expect(rows[2][titleColumn] == title, "the list-level fields are repeated on every row")
        #expect(rows[1][danColumn] == "GS2010-001 Rev. 2")
        #expect(rows.dropFirst().map { $0[recordColumn] } == ["wa/100/p:15550001@2026-03", "wa/100/p:15550002@2026-04"])
        for key in [
            "minimum_retention", "dates_covered", "retention_met", "destruction_method", "holds_certification", "inventoried_by", "approved_by", "destroyed_by",
            "checkpoint",
        ] {
            #expect(header.contains(key), "the State Archives field \(key) is a column")
        }
    }

    @Test("HTML: a <script> in the series title is escaped, never markup")
    func htmlEscapes() {
        let html = Self.certificate(title: "<script>alert('x')</script> & more").html()
        #expect(!html.contains("<script"), "no script element, from the data or the template")
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"))
    }

    @Test("HTML: an accessible printable page: doctype, lang, title, one h1, captions, header scopes, print styles, nothing external")
    func htmlStructure() throws {
        let html = Self.certificate(title: "Communications").html()
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("<title>Certificate of records destruction: List DL-20280501-ab12cd34, series GS2010-001 Rev. 2 (Communications)</title>"))
        #expect(html.components(separatedBy: "<h1").count == 2, "exactly one h1")
        #expect(html.components(separatedBy: "<table").count == html.components(separatedBy: "<caption>").count, "every table has a caption")
        #expect(html.contains("<th scope=\"col\">Record</th>"))
        #expect(html.contains("<th scope=\"row\">Disposition Authority Number (DAN)</th><td>GS2010-001 Rev. 2</td>"))
        #expect(!html.contains("<th>"), "every header cell has a scope")
        #expect(html.contains("@media print"))
        for external in ["<script", "<link", "src=", "href=", "url(", "@import"] {
            #expect(!html.contains(external), "no \(external): no JavaScript, nothing loaded from elsewhere")
        }
        #expect(html.contains("<th scope=\"row\">wa/100/p:15550001@2026-03</th>"))
        #expect(html.contains("<pre>example.org/ledgers/main\n25\nq1w2e3r4=\n\n— example.org/ledgers/main AbCdEf==\n</pre>"), "the signed note verbatim")
    }

    @Test("without a covering checkpoint every rendering says so and says what to run")
    func noCheckpoint() throws {
        let certificate = Self.certificate(title: "Communications", checkpoint: false)
        let advice = "No signed checkpoint covers these entries yet (the last cited position is 22). Run `recordkeeper checkpoint --ledger main`"
        #expect(certificate.text().contains(advice))
        #expect(certificate.html().contains(advice.replacingOccurrences(of: "`", with: "`")))
        #expect(certificate.csv().contains(advice))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try certificate.json().utf8)) as? [String: Any])
        #expect(json["checkpoint"] is NSNull)
        #expect((json["checkpoint_statement"] as? String)?.contains(advice) == true)
    }

    @Test("an unfinished destruction is flagged as not complete")
    func incomplete() {
        let certificate = Self.certificate(title: "Communications", pendingKeys: 1)
        #expect(!certificate.complete)
        #expect(certificate.html().contains("This destruction is not complete."))
        #expect(certificate.text().contains("NOT COMPLETE: 1 data key"))
        #expect(!Self.certificate(title: "Communications").html().contains("not complete"))
    }

    @Test("JSON: sorted keys, the records and the cited positions as data")
    func json() throws {
        let text = try Self.certificate(title: "Communications").json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let records = try #require(object["records"] as? [[String: Any]])
        #expect(records.map { $0["record_id"] as? String } == ["wa/100/p:15550001@2026-03", "wa/100/p:15550002@2026-04"])
        let positions = try #require(object["ledger_positions"] as? [[String: Any]])
        #expect(positions.compactMap { $0["position"] as? Int } == [1, 20, 21, 22])
        #expect((object["checkpoint"] as? [String: Any])?["tree_size"] as? Int == 25)
        #expect((object["series"] as? [String: Any])?["retention"] as? String == "2 years")
        #expect(object["retention_met"] as? String == "2028-05-09T00:00:00Z", "800 days after 2026-03-01 (2028 is a leap year)")
        let keys = ["approved_by", "checkpoint", "complete", "dates_covered", "destroyed_by", "ledger", "records", "series", "volume"]
        let offsets = keys.compactMap { text.range(of: "\n  \"\($0)\"")?.lowerBound }
        #expect(offsets.count == keys.count && offsets == offsets.sorted(), "top-level keys in sorted order")
    }

    @Test("retention in words")
    func words() {
        #expect(DestructionCertificate.words(RetentionPeriod.period(years: 2, months: 0, days: 0)) == "2 years")
        #expect(DestructionCertificate.words(RetentionPeriod.period(years: 1, months: 6, days: 0)) == "1 year 6 months")
        #expect(DestructionCertificate.words(RetentionPeriod.period(years: 0, months: 0, days: 30)) == "30 days")
        #expect(DestructionCertificate.words(RetentionPeriod.untilNoLongerNeeded) == "until no longer needed")
    }
}

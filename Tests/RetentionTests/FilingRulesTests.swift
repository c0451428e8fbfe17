import Foundation
import RecordkeeperCore
import Retention
import Testing

/// The filing rules file, matching and ranking: no database, what `recordkeeper retention rules
/// check` and the filer apply.
@Suite("Filing rules: file format, matching, ranking")
struct FilingRulesTests {
    static func series(_ dan: String, _ retention: RetentionPeriod, archival: Designation.Archival = .nonArchival) -> RetentionSeries {
        RetentionSeries(
            dan: dan, title: dan, description: dan, retention: retention, trigger: .communication,
            finalAction: archival == .nonArchival ? .destroy : .transfer, designation: Designation(archival: archival, essential: false, office: .opr))
    }

    /// The faults of a rules file; none when it reads.
    static func faults(_ yaml: String, file: String = "r.yaml") -> [CatalogProblem] {
        do {
            _ = try FilingRules(yaml: yaml, file: file)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("every fault of a rules file is reported at once, each with its file, line and field")
    func faultsWithLines() throws {
        let yaml = """
            transitory_phrases: [ok]
            rules:
              - id: Board Members
                series: GS50-01-12 Rev. 3
                when:
                  business_numbers: ["1065"]
              - id: sensitive
                series: GS2010-001
                when:
                  categories: [restricted]
              - id: nothing
                series: GS2010-001
                when: {}
              - id: typo
                series: GS2010-001
                wen:
                  teams: [a]
              - id: sensitive
                series: GS2010-001
                when:
                  keywords: [permit]
            """
        let error = FilingRulesError(Self.faults(yaml, file: "rules.yaml"))
        let found = error.problems.map { "\($0.line):\($0.field)" }
        #expect(found.contains("3:rules[1].id"), "a rule id with capitals and spaces")
        #expect(found.contains("10:rules[2].when.categories"), "restricted is not one of the four categories")
        #expect(found.contains("13:rules[3].when"), "a rule with no condition")
        #expect(found.contains("16:rules[4].wen"), "an unknown field")
        #expect(found.contains("18:rules[5].id"), "the same id twice")
        #expect(error.problems.allSatisfy { $0.file == "rules.yaml" })
        let categories = try #require(error.problems.first { $0.field == "rules[2].when.categories" })
        #expect(categories.message.contains("`special_handling`") && categories.message.contains("`public`"))
        #expect(error.problems.first { $0.field == "rules[4].wen" }?.message.contains("did you mean `when`") == true)
    }

    @Test("a rule using transitory needs transitory_phrases; a file that is not YAML is one fault with its line")
    func transitoryNeedsPhrases() throws {
        let error = FilingRulesError(Self.faults("rules:\n  - id: ack\n    series: GS50-02-01\n    when: {transitory: true}\n"))
        #expect(error.problems.map(\.field) == ["transitory_phrases"])
        let syntax = FilingRulesError(Self.faults("rules:\n  - id: [\n"))
        #expect(syntax.problems.count == 1 && syntax.problems[0].line > 0)
    }

    @Test("the shipped filing-rules.yaml reads and names only series of washington-core.yaml")
    func shippedRules() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/retention")
        let rules = try FilingRules(
            yaml: String(contentsOf: directory.appendingPathComponent("filing-rules.yaml"), encoding: .utf8), file: "filing-rules.yaml")
        let catalog = try RetentionCatalog(
            yaml: String(contentsOf: directory.appendingPathComponent("washington-core.yaml"), encoding: .utf8), file: "washington-core.yaml")
        #expect(!rules.rules.isEmpty)
        for rule in rules.rules {
            #expect(catalog.series.contains { $0.citation == rule.series }, "rule \(rule.id) names \(rule.series)")
        }
        let back = try FilingRules(json: try JSONValue.parse(try rules.canonicalJSON()))
        #expect(back == rules, "the canonical JSON reads back the same rules, in order")
    }

    @Test("keywords match whole words whatever the case and accents; every condition of a rule must hold; the first rule wins")
    func matching() throws {
        let rules = try FilingRules(
            yaml: """
                transitory_phrases: [ok, thanks, thank you, "👍"]
                rules:
                  - id: permits
                    series: P
                    when: {keywords: [permit, "building plan"], teams: [planning]}
                  - id: health
                    series: H
                    when: {categories: [special_handling]}
                  - id: ack
                    series: T
                    when: {transitory: true}
                  - id: number
                    series: N
                    when: {business_numbers: ["111"]}
                """, file: "r.yaml")
        func match(_ text: String?, team: String? = "planning", category: FilingCategory? = .public, number: String = "222") -> String? {
            rules.firstMatch(FilingFacts(businessNumber: number, team: team, category: category, text: text))?.id
        }
        #expect(match("About my PERMÍT, please") == "permits")
        #expect(match("my building  Plan is ready") == "permits")
        #expect(match("I need permits") == nil, "whole words only: permits is not permit")
        #expect(match("about my permit", team: "front-desk") == nil, "every condition must hold")
        #expect(match("about my permit", category: .specialHandling) == "permits", "the first matching rule wins")
        #expect(match("hello", category: .specialHandling) == "health")
        #expect(match("Thanks!! 👍🏽") == "ack")
        #expect(match("ok, thank you") == "ack")
        #expect(match("ok, when is my appointment?") == nil, "more than acknowledgements is not transitory")
        #expect(match("") == nil, "no text is not an acknowledgement")
        #expect(match(nil, number: "111") == "number", "a record without messages: business number and team rules only")
        #expect(match(nil, category: nil) == nil, "the keyword rule is not tried without messages")
    }

    @Test("ranking: archival over any fixed period, longer over shorter (P1Y equals P12M, P1M under P31D), fixed over until no longer needed")
    func ranking() {
        let permanent = SeriesRank(Self.series("A", .period(years: 1, months: 0, days: 0), archival: .permanent))
        let appraisal = SeriesRank(Self.series("B", .period(years: 2, months: 0, days: 0), archival: .appraisalRequired))
        let tenYears = SeriesRank(Self.series("C", .period(years: 10, months: 0, days: 0)))
        let twoYears = SeriesRank(Self.series("D", .period(years: 2, months: 0, days: 0)))
        let twelveMonths = SeriesRank(Self.series("E", .period(years: 0, months: 12, days: 0)))
        let oneYear = SeriesRank(Self.series("F", .period(years: 1, months: 0, days: 0)))
        let oneMonth = SeriesRank(Self.series("G", .period(years: 0, months: 1, days: 0)))
        let days31 = SeriesRank(Self.series("H", .period(years: 0, months: 0, days: 31)))
        let untilNotNeeded = SeriesRank(Self.series("I", .untilNoLongerNeeded))
        #expect(permanent > appraisal && appraisal > tenYears)
        #expect(tenYears > twoYears && twoYears > oneYear)
        #expect(twelveMonths == oneYear)
        #expect(days31 > oneMonth)
        #expect(oneMonth > untilNotNeeded)
    }
}

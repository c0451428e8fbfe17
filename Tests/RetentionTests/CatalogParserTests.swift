import Retention
import Testing

@Suite("Schedule catalog: reading")
struct CatalogParserTests {
    @Test("a good catalog is read, with the defaults of the optional fields")
    func goodCatalog() throws {
        let text = catalogText(
            extraSeries: seriesItem(
                dan: "GS50-01-12",
                replacing: [
                    "final_action": "final_action: transfer",
                    "designation": "designation:\n      archival: appraisal_required\n      essential: true\n      office: OFM",
                    "trigger": "trigger:\n      event: whatsapp.message.received",
                ],
                adding: ["revision: 3", "confirmed: false", "two_person_approval: true"]))
        let catalog = try RetentionCatalog(yaml: text, file: "test.yaml")
        #expect(catalog.name == "test")
        #expect(catalog.version == "1")
        #expect(catalog.defaultSeries == "GS2010-001")
        #expect(catalog.series.count == 2)
        let first = catalog.series[0]
        #expect(first.citation == "GS2010-001")
        #expect(first.revision == 0)
        #expect(first.retention == .period(years: 2, months: 0, days: 0))
        #expect(first.trigger == .communication)
        #expect(first.finalAction == .destroy)
        #expect(first.designation == Designation(archival: .nonArchival, essential: false, office: .opr))
        #expect(first.confirmed)
        #expect(!first.twoPersonApproval)
        let second = catalog.series[1]
        #expect(second.citation == "GS50-01-12 Rev. 3")
        #expect(second.retention == .period(years: 0, months: 6, days: 0))
        #expect(second.trigger == .event("whatsapp.message.received"))
        #expect(second.finalAction == .transfer)
        #expect(second.designation == Designation(archival: .appraisalRequired, essential: true, office: .ofm))
        #expect(!second.confirmed)
        #expect(second.twoPersonApproval)
    }

    @Test("a missing field is named, on the line of its series")
    func missingField() {
        let text = catalogText(extraSeries: seriesItem(replacing: ["title": "", "designation": ""]))
        let found = problems(text)
        #expect(found.map(\.field) == ["series[2].title", "series[2].designation"])
        #expect(found.allSatisfy { $0.line == 15 && $0.file == "test.yaml" && $0.message.hasPrefix("missing") })
        let missingTop = problems("name: x\nseries:\n" + seriesItem())
        #expect(Set(missingTop.map(\.field)) == ["version", "default_series"])
    }

    @Test("an unknown field (a typo) is refused, with the field it probably meant")
    func unknownField() {
        let text = catalogText(extraSeries: seriesItem(replacing: ["retention": "retension: P6M"]))
        let found = problems(text)
        // In the order of the file: the series (line 15) lacks `retention`; line 18 has the typo.
        #expect(found.map(\.field) == ["series[2].retention", "series[2].retension"])
        #expect(found.map(\.line) == [15, 18])
        #expect(found.last?.message.contains("unknown field `retension`: did you mean `retention`?") == true)
        let topLevel = problem("colour: blue\n" + catalogText())
        #expect(topLevel?.field == "colour")
        #expect(topLevel?.line == 1)
    }

    @Test("a DAN must look like one", arguments: ["gs2010-001", "GS2010-001 Rev. 3", "GS--1", "2010-001", "GS-", "GS", "GS 2010-001"])
    func badDAN(dan: String) {
        let found = problem(catalogText(extraSeries: seriesItem(dan: dan)))
        #expect(found?.field == "series[2].dan")
        #expect(found?.line == 15)
        #expect(found?.message.contains("is not a DAN") == true)
    }

    @Test("good DAN forms are read", arguments: ["GS50-01-12", "GS2010-003", "GRS5.2-010", "DAA-GRS-2017-0003-0001"])
    func goodDAN(dan: String) throws {
        let catalog = try RetentionCatalog(yaml: catalogText(extraSeries: seriesItem(dan: dan)), file: "t")
        #expect(catalog.series[1].dan == dan)
    }

    @Test("a revision is a whole number from 1")
    func badRevision() {
        for revision in ["0", "three", "-1", "2.5"] {
            let found = problem(catalogText(extraSeries: seriesItem(adding: ["revision: \(revision)"])))
            #expect(found?.field == "series[2].revision", "revision \(revision)")
            #expect(found?.line == 25)
        }
    }

    @Test("a DAN and revision may be listed once; another revision of the same DAN may not clash")
    func duplicateCitation() throws {
        let found = problem(catalogText(extraSeries: seriesItem(dan: "GS2010-001")))
        #expect(found?.field == "series[2].dan")
        #expect(found?.line == 15)
        #expect(found?.message.contains("already listed at line 5") == true)
        let revised = try RetentionCatalog(yaml: catalogText(extraSeries: seriesItem(dan: "GS2010-001", adding: ["revision: 2"])), file: "t")
        #expect(revised.series.map(\.citation) == ["GS2010-001", "GS2010-001 Rev. 2"])
    }

    @Test("the default series must be a series of the file, revision included")
    func defaultSeries() throws {
        let unknown = problem(catalogText(default: "GS9999-999"))
        #expect(unknown?.field == "default_series")
        #expect(unknown?.line == 3)
        #expect(unknown?.message.contains("`GS2010-001`") == true)
        let withoutRevision = problem(catalogText(default: "GS50-01-12", extraSeries: seriesItem(dan: "GS50-01-12", adding: ["revision: 3"])))
        #expect(withoutRevision?.message.contains("did you mean `GS50-01-12 Rev. 3`") == true)
        let withRevision = try RetentionCatalog(
            yaml: catalogText(default: "GS50-01-12 Rev. 3", extraSeries: seriesItem(dan: "GS50-01-12", adding: ["revision: 3"])), file: "t")
        #expect(withRevision.defaultSeries == "GS50-01-12 Rev. 3")
    }

    @Test("archival series are never destroyed; appraisal-required ones are transferred")
    func archivalRules() throws {
        func designated(_ archival: String, _ action: String) -> String {
            catalogText(
                extraSeries: seriesItem(replacing: [
                    "final_action": "final_action: \(action)",
                    "designation": "designation:\n      archival: \(archival)\n      essential: false\n      office: OPR",
                ]))
        }
        for (archival, action) in [("permanent", "destroy"), ("appraisal_required", "destroy"), ("appraisal_required", "review")] {
            let found = problem(designated(archival, action))
            #expect(found?.field == "series[2].final_action", "\(archival) + \(action)")
            #expect(found?.line == 20)
            #expect(found?.message.contains("archival: \(archival)") == true)
        }
        for (archival, action) in [("permanent", "transfer"), ("permanent", "review"), ("appraisal_required", "transfer"), ("non_archival", "transfer")] {
            _ = try RetentionCatalog(yaml: designated(archival, action), file: "t")
        }
    }

    @Test("`until no longer needed` ends by review or destruction, never a transfer")
    func untilNoLongerNeeded() throws {
        let transfer = problem(
            catalogText(
                extraSeries: seriesItem(replacing: ["retention": "retention: until no longer needed", "final_action": "final_action: transfer"])))
        #expect(transfer?.field == "series[2].final_action")
        #expect(transfer?.message.contains("until no longer needed") == true)
        for action in ["review", "destroy"] {
            let catalog = try RetentionCatalog(
                yaml: catalogText(
                    extraSeries: seriesItem(replacing: ["retention": "retention: until no longer needed", "final_action": "final_action: \(action)"])),
                file: "t")
            #expect(catalog.series[1].retention == .untilNoLongerNeeded)
        }
    }

    @Test(
        "retention periods of years, months and days are read",
        arguments: [
            ("P2Y", RetentionPeriod.period(years: 2, months: 0, days: 0)), ("P6M", .period(years: 0, months: 6, days: 0)),
            ("P1Y6M", .period(years: 1, months: 6, days: 0)), ("P30D", .period(years: 0, months: 0, days: 30)),
            ("P1Y2M3D", .period(years: 1, months: 2, days: 3)), ("P0Y6M", .period(years: 0, months: 6, days: 0)),
        ])
    func goodPeriod(text: String, period: RetentionPeriod) throws {
        let catalog = try RetentionCatalog(yaml: catalogText(extraSeries: seriesItem(replacing: ["retention": "retention: \(text)"])), file: "t")
        #expect(catalog.series[1].retention == period)
    }

    @Test("anything else is not a retention", arguments: ["P0Y", "P0D", "PT5H", "P2W", "2Y", "P", "P1M2Y", "2 years", "P2Y2Y", "P-1Y"])
    func badPeriod(text: String) {
        let found = problem(catalogText(extraSeries: seriesItem(replacing: ["retention": "retention: \(text)"])))
        #expect(found?.field == "series[2].retention")
        #expect(found?.line == 18)
        #expect(found?.message.hasPrefix("`\(text)`") == true)
    }

    @Test("a trigger is one of the named ones or an event the service records")
    func triggers() throws {
        for (text, trigger) in [
            ("communication", RetentionTrigger.communication), ("conversation_closed", .conversationClosed), ("request_closed", .requestClosed),
        ] {
            let catalog = try RetentionCatalog(yaml: catalogText(extraSeries: seriesItem(replacing: ["trigger": "trigger: \(text)"])), file: "t")
            #expect(catalog.series[1].trigger == trigger)
        }
        let word = problem(catalogText(extraSeries: seriesItem(replacing: ["trigger": "trigger: conversation_close"])))
        #expect(word?.field == "series[2].trigger")
        #expect(word?.message.contains("did you mean `conversation_closed`?") == true)
        let event = problem(catalogText(extraSeries: seriesItem(replacing: ["trigger": "trigger:\n      event: case.closed"])))
        #expect(event?.field == "series[2].trigger.event")
        #expect(event?.line == 20)
        #expect(event?.message.contains("not an event the service records") == true)
    }

    @Test("flags are `true` or `false`, and the designation's words are checked")
    func flagsAndDesignation() {
        let flag = problem(catalogText(extraSeries: seriesItem(adding: ["confirmed: yes"])))
        #expect(flag?.field == "series[2].confirmed")
        #expect(flag?.message.contains("`true` or `false`") == true)
        let designation = problems(
            catalogText(
                extraSeries: seriesItem(replacing: ["designation": "designation:\n      archival: archival\n      essential: no\n      office: OPM"])))
        #expect(designation.map(\.field) == ["series[2].designation.archival", "series[2].designation.essential", "series[2].designation.office"])
        #expect(designation.map(\.line) == [22, 23, 24])
    }

    @Test("an empty catalog is refused")
    func emptyCatalog() {
        let base = "name: x\nversion: \"1\"\ndefault_series: GS2010-001\n"
        for text in [base + "series: []\n", base + "series:\n"] {
            let found = problem(text)
            #expect(found?.field == "series")
            #expect(found?.line == 4)
            #expect(found?.message.contains("no series") == true)
        }
        #expect(problem("")?.message.contains("empty") == true)
        #expect(problem("# only a comment\n")?.message.contains("empty") == true)
    }

    @Test("a file that is not YAML is one problem, at its line")
    func notYAML() {
        let broken = problem("name: x\nversion: \"1\nseries: [\n")
        #expect(broken?.field == "")
        #expect(broken?.line == 4)
        #expect(broken?.message.hasPrefix("this file is not valid YAML") == true)
        let duplicate = problem("name: x\nname: y\n")
        #expect(duplicate?.message.contains("`name` is written twice") == true)
        let prose = problem("This is a memo about retention.")
        #expect(prose?.message.contains("must be a set of `field: value` lines") == true)
    }

    @Test("every problem of a file is reported at once, in the order of the file")
    func severalProblems() {
        let text = """
            name: several
            version: "1"
            default_series: GS2010-009
            series:
              - dan: GS2010-001
                title: One
                description: First.
                retention: P0Y
                trigger: communication
                final_action: destroy
                designation:
                  archival: permanent
                  essential: false
                  office: OPR
              - dan: gs50-01-12
                titel: Two
                description: Second.
                retention: P2Y
                trigger: communication
                final_action: shred
                designation:
                  archival: non_archival
                  essential: false
                  office: OPR
            """
        let found = problems(text)
        let expected: [(Int, String)] = [
            (3, "default_series"), (8, "series[1].retention"), (10, "series[1].final_action"), (15, "series[2].dan"), (16, "series[2].titel"),
            (15, "series[2].title"),
            (20, "series[2].final_action"),
        ]
        #expect(found.map(\.line) == [3, 8, 10, 15, 15, 16, 20], "\(found)")
        #expect(Set(found.map(\.field)) == Set(expected.map(\.1)))
        for (line, field) in expected {
            #expect(found.contains { $0.line == line && $0.field == field }, "no problem at line \(line) for \(field): \(found)")
        }
        let error = RetentionCatalogError(found)
        #expect(
            error.description.split(separator: "\n").first
                == "test.yaml:3: default_series: `GS2010-009` is not a series of this file; the series are: `GS2010-001`")
    }
}

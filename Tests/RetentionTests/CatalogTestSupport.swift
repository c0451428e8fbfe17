import Retention
import Testing

/// A catalog of one good series, with `series` lines added to the list (indented as list items).
func catalogText(default defaultSeries: String = "GS2010-001", extraSeries: String = "") -> String {
    """
    name: test
    version: "1"
    default_series: \(defaultSeries)
    series:
      - dan: GS2010-001
        title: Communications – Non-Executive
        description: Everyday communications.
        retention: P2Y
        trigger: communication
        final_action: destroy
        designation:
          archival: non_archival
          essential: false
          office: OPR
    \(extraSeries)
    """
}

/// A series item with every required field; `replacing` swaps whole lines (`"retention": "retention: P0Y"`),
/// an empty replacement drops the line, `adding` appends lines.
func seriesItem(dan: String = "GS50-02-01", replacing: [String: String] = [:], adding: [String] = []) -> String {
    var lines: [(String, String)] = [
        ("dan", "  - dan: \(dan)"),
        ("title", "    title: Routine information"),
        ("description", "    description: Answers to routine questions."),
        ("retention", "    retention: P6M"),
        ("trigger", "    trigger: communication"),
        ("final_action", "    final_action: destroy"),
        ("designation", "    designation:\n      archival: non_archival\n      essential: false\n      office: OPR"),
    ]
    for (key, replacement) in replacing {
        if let index = lines.firstIndex(where: { $0.0 == key }) {
            lines[index].1 = replacement.isEmpty ? "" : "    " + replacement
        }
    }
    return (lines.map(\.1).filter { !$0.isEmpty } + adding.map { "    " + $0 }).joined(separator: "\n")
}

/// The problems of a text that must fail to load.
func problems(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [CatalogProblem] {
    do {
        let catalog = try RetentionCatalog(yaml: yaml, file: "test.yaml")
        Issue.record("loaded, expected problems: \(catalog)", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.problems
    }
}

/// The one problem of a text that must fail with exactly one.
func problem(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> CatalogProblem? {
    let found = problems(yaml, sourceLocation: sourceLocation)
    #expect(found.count == 1, "expected one problem, got \(found)", sourceLocation: sourceLocation)
    return found.first
}

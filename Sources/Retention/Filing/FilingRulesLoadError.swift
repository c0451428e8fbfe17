import Foundation

/// A rule set that cannot be loaded over the catalog in force, with every conflict found.
/// Nothing was recorded.
public struct FilingRulesLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One reason the rules cannot be loaded.
    public enum Conflict: Sendable, Hashable, CustomStringConvertible {
        /// No schedule catalog is loaded: rules name series of the catalog in force.
        case noCatalog
        /// A rule names a series the catalog in force does not have.
        case unknownSeries(rule: String, series: String, known: [String])
        /// A rule names a series a newer revision superseded.
        case supersededSeries(rule: String, series: String, by: String)
        /// Another rule set was loaded at the same time.
        case concurrentLoad(position: Int64)

        public var description: String {
            switch self {
            case .noCatalog:
                "no schedule catalog is loaded: load one first with `recordkeeper retention load FILE`; filing rules name its series"
            case .unknownSeries(let rule, let series, let known):
                "rule \(rule): series `\(series)` is not in the catalog in force; its series are \(known.map { "`\($0)`" }.joined(separator: ", ")) (write the citation exactly, with `Rev. n` when it has a revision)"
            case .supersededSeries(let rule, let series, let by):
                "rule \(rule): series `\(series)` is superseded by `\(by)` in the catalog in force: file into `\(by)`"
            case .concurrentLoad(let position):
                "other filing rules were loaded at the same time (position \(position)): nothing was recorded; run the load again"
            }
        }
    }

    public var conflicts: [Conflict]

    public init(_ conflicts: [Conflict]) {
        self.conflicts = conflicts
    }

    public var description: String { conflicts.map(\.description).joined(separator: "\n") }
}

extension RetentionCatalog {
    /// Why `citation` cannot be filed into under this catalog (the catalog in force): nil when
    /// it is one of its series; superseded (with the newer revision) when the catalog has
    /// another revision of its DAN; unknown otherwise.
    func filingProblem(rule: String, series citation: String) -> FilingRulesLoadError.Conflict? {
        guard !series.contains(where: { $0.citation == citation }) else { return nil }
        let parts = citation.components(separatedBy: " Rev. ")
        let revision = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        if let newer = series.filter({ $0.dan == parts[0] }).max(by: { $0.revision < $1.revision }), newer.revision > revision {
            return .supersededSeries(rule: rule, series: citation, by: newer.citation)
        }
        return .unknownSeries(rule: rule, series: citation, known: series.map(\.citation))
    }
}

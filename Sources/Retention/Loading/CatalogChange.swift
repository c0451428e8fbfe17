/// What loading a catalog would change, compared with the catalog in force: worked out by
/// ``CatalogChange/init(from:to:)``, which refuses a catalog that would change or drop a series
/// in force (docs/records-officer.md, "Loading a catalog").
public struct CatalogChange: Sendable, Hashable {
    /// One series superseded by a newer revision of its DAN.
    public struct Supersession: Sendable, Hashable {
        /// The citation of the series in force (`GS50-01-12 Rev. 2`).
        public var series: String
        /// The citation of the newer revision that supersedes it (`GS50-01-12 Rev. 3`).
        public var by: String

        public init(series: String, by: String) {
            self.series = series
            self.by = by
        }
    }

    /// Citations of the series the catalog in force does not have (new DANs, new revisions).
    public var added: [String]
    /// The series in force that newer revisions supersede.
    public var superseded: [Supersession]
    /// Citations of series changed in place, which is allowed only where nothing can depend on
    /// the terms: the agency's settings (`confirmed`, `two_person_approval`) of any series, and
    /// every field of a series not yet confirmed (its terms are placeholders until the agency
    /// confirms it, and nothing is destroyed under it).
    public var amended: [String]
    /// Citations of series that are the same in both.
    public var unchanged: [String]

    /// Compares `new` with the catalog in force (`current`; nil: none yet, every series is added).
    /// - Throws: ``RetentionCatalogLoadError`` with every conflict: a series changed under its
    ///   citation, a series dropped without a newer revision, a revision older than the one in
    ///   force, a catalog version reused with different content.
    public init(from current: RetentionCatalog?, to new: RetentionCatalog) throws(RetentionCatalogLoadError) {
        added = []
        superseded = []
        amended = []
        unchanged = []
        let old = current?.series ?? []
        var conflicts: [RetentionCatalogLoadError.Conflict] = []
        for series in new.series {
            if let before = old.first(where: { $0.dan == series.dan && $0.revision == series.revision }) {
                let terms = Self.changedTerms(before, series)
                if before.confirmed, !terms.isEmpty {
                    conflicts.append(.seriesChanged(series.citation, fields: terms))
                } else if before != series {
                    amended.append(series.citation)
                } else {
                    unchanged.append(series.citation)
                }
            } else if let newer = old.filter({ $0.dan == series.dan && $0.revision > series.revision }).max(by: { $0.revision < $1.revision }) {
                conflicts.append(.olderRevision(series.citation, inForce: newer.citation))
            } else {
                added.append(series.citation)
            }
        }
        for before in old where !new.series.contains(where: { $0.dan == before.dan && $0.revision == before.revision }) {
            if let newer = new.series.filter({ $0.dan == before.dan && $0.revision > before.revision }).max(by: { $0.revision < $1.revision }) {
                superseded.append(Supersession(series: before.citation, by: newer.citation))
            } else {
                conflicts.append(.seriesDropped(before.citation))
            }
        }
        if let current, current.name == new.name, current.version == new.version, current.json != new.json {
            conflicts.insert(.versionReused(name: new.name, version: new.version), at: 0)
        }
        guard conflicts.isEmpty else { throw RetentionCatalogLoadError(conflicts) }
    }

    /// Whether loading changes nothing in the series (a new catalog version may still change
    /// its name, version or default series).
    public var seriesUnchanged: Bool { added.isEmpty && superseded.isEmpty && amended.isEmpty }

    /// The members of the schedule's terms that differ between two series of one citation.
    static func changedTerms(_ old: RetentionSeries, _ new: RetentionSeries) -> [String] {
        var fields: [String] = []
        if old.title != new.title { fields.append("title") }
        if old.description != new.description { fields.append("description") }
        if old.retention != new.retention { fields.append("retention") }
        if old.trigger != new.trigger { fields.append("trigger") }
        if old.finalAction != new.finalAction { fields.append("final_action") }
        if old.designation != new.designation { fields.append("designation") }
        return fields
    }
}

/// A catalog that cannot be loaded over the one in force, with every conflict found. Nothing
/// was recorded.
public struct RetentionCatalogLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One reason a catalog cannot replace the one in force.
    public enum Conflict: Sendable, Hashable, CustomStringConvertible {
        /// A confirmed series in force appears with different terms under the same citation.
        case seriesChanged(String, fields: [String])
        /// A series in force is missing, and no newer revision of its DAN supersedes it.
        case seriesDropped(String)
        /// A revision older than the one in force.
        case olderRevision(String, inForce: String)
        /// The name and version of the catalog in force, with different content.
        case versionReused(name: String, version: String)
        /// Another catalog was loaded while this one was compared (run the load again).
        case concurrentLoad(position: Int64)

        public var description: String {
            switch self {
            case .seriesChanged(let citation, let fields):
                "series \(citation) is in force with different \(fields.joined(separator: ", ")): a series in use is never changed; give it a new revision (`revision:`) to supersede it"
            case .seriesDropped(let citation):
                "series \(citation) is in force but missing from the new catalog: a series is never dropped silently; keep it, or add a newer revision of its DAN to supersede it"
            case .olderRevision(let citation, let inForce):
                "series \(citation) is older than \(inForce), which is in force: a superseded revision cannot come back; remove it from the file"
            case .versionReused(let name, let version):
                "catalog \(name) version \(version) is already loaded with different content: give the new catalog a new `version:`"
            case .concurrentLoad(let position):
                "another catalog was loaded at the same time (position \(position)): nothing was recorded; run the load again to compare with it"
            }
        }
    }

    public var conflicts: [Conflict]

    public init(_ conflicts: [Conflict]) {
        self.conflicts = conflicts
    }

    public var description: String { conflicts.map(\.description).joined(separator: "\n") }
}

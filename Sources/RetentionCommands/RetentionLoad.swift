import ArgumentParser
import Foundation
import LedgerStore
import RecordkeeperCore
import RecordkeeperRuntime
import Retention

/// `recordkeeper retention load FILE`: checks a schedule catalog and records it as the catalog in
/// force (`retention.catalog.loaded`), unless it would change or drop a series in force.
struct RetentionLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a schedule catalog file (YAML) as the catalog in force, recorded in the ledger.",
        discussion: """
            The file is checked first: with faults (each printed as FILE:LINE: FIELD: MESSAGE) nothing \
            is written. It is then compared with the catalog in force: the same catalog records nothing \
            ("already loaded"); a new revision of a DAN supersedes the old one; a confirmed series in force \
            that would change under the same citation, or be missing without a newer revision, is refused \
            (docs/records-officer.md, "Loading a catalog"). Exit codes: 0 loaded or already loaded, \
            1 faults or refused (nothing written), 2 could not run.
            """
    )

    @Argument(help: "The catalog file.")
    var file: String

    @Option(help: "The ledger the catalog is recorded in (default RECORDKEEPER_LEDGER or main).")
    var ledger: String?

    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() async throws {
        let catalog = try RetentionCatalog.read(file, command: "load", json: json)
        let (ledger, file, json) = (Runtime.ledger(self.ledger), self.file, self.json)
        let outcome = try await RetentionCLI.withStore("load", ledger: ledger, json: json, catchUp: false) { store in
            do {
                return try await RetentionCatalogs(store: store, ledger: ledger).load(catalog, actor: Runtime.actor)
            } catch let error as RetentionCatalogLoadError {
                if json {
                    Output.json(["ok": false, "refused": error.conflicts.map(\.description)])
                } else {
                    for conflict in error.conflicts { Output.error("\(file): \(conflict)") }
                    Output.error("\(file): refused; nothing was loaded.")
                }
                throw ExitCode(1)
            }
        }
        report(outcome, ledger: ledger)
    }

    private func report(_ outcome: LoadOutcome, ledger: String) {
        let loaded = outcome.loaded
        let change = outcome.change
        if json {
            Output.json([
                "ok": true, "recorded": outcome.recorded, "ledger": ledger, "position": loaded.position, "name": loaded.catalog.name,
                "version": loaded.catalog.version, "digest": loaded.digest, "added": change.added,
                "superseded": change.superseded.map { ["series": $0.series, "by": $0.by] }, "amended": change.amended,
                "unchanged": change.unchanged.count,
            ])
            return
        }
        let name = "\(loaded.catalog.name) \(loaded.catalog.version)"
        guard outcome.recorded else {
            Output.line("Catalog \(name) is already loaded in ledger \(ledger) (position \(loaded.position), digest \(loaded.digest)): nothing recorded.")
            return
        }
        Output.line("Recorded catalog \(name) in ledger \(ledger) at position \(loaded.position) (digest \(loaded.digest)).")
        for citation in change.added { Output.line("  added       \(citation)") }
        for supersession in change.superseded { Output.line("  superseded  \(supersession.series) by \(supersession.by)") }
        for citation in change.amended { Output.line("  amended     \(citation) (an unconfirmed series, or its confirmation or two-person approval)") }
        if !change.unchanged.isEmpty { Output.line("  \(change.unchanged.count) series unchanged.") }
    }
}

/// `recordkeeper retention catalog`: the catalog in force.
struct RetentionCatalogShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Show the schedule catalog in force: its version, digest and series.",
        discussion: "Unconfirmed series are marked: nothing is destroyed under them until the agency confirms them."
    )

    @OptionGroup var ledger: RetentionLedgerOption

    @Flag(help: "Print JSON: loaded, ledger, name, version, digest, position, loaded_by, loaded_at, default_series, series, unconfirmed.")
    var json = false

    func run() async throws {
        let ledger = self.ledger.name
        let current = try await RetentionCLI.withStore("catalog", ledger: ledger, json: json, catchUp: false) { store in
            let catalogs = RetentionCatalogs(store: store, ledger: ledger)
            try await catalogs.catchUp()
            return try await catalogs.current()
        }
        guard let current else {
            if json {
                Output.json(["loaded": false, "ledger": ledger])
            } else {
                Output.line("No schedule catalog is loaded in ledger \(ledger): load one with `recordkeeper retention load FILE`.")
            }
            return
        }
        let catalog = current.catalog
        let unconfirmed = catalog.series.filter { !$0.confirmed }.map(\.citation)
        if json {
            var series: [Any] = []
            for item in catalog.series {
                var object = try JSONSerialization.jsonObject(with: Data(try item.json.encoded())) as? [String: Any] ?? [:]
                object["citation"] = item.citation
                series.append(object)
            }
            Output.json([
                "loaded": true, "ledger": ledger, "name": catalog.name, "version": catalog.version, "digest": current.digest,
                "position": current.position, "loaded_by": current.actor, "loaded_at": ISO8601DateFormatter().string(from: current.loadedAt),
                "default_series": catalog.defaultSeries, "series": series, "unconfirmed": unconfirmed,
            ])
            return
        }
        Output.line(
            "Catalog \(catalog.name) \(catalog.version) in force in ledger \(ledger): position \(current.position), loaded by \(current.actor) at \(ISO8601DateFormatter().string(from: current.loadedAt))."
        )
        Output.line("Digest \(current.digest); default series \(catalog.defaultSeries).")
        for series in catalog.series {
            let retention = series.retention.catalogText
            let mark = series.confirmed ? "" : "  [unconfirmed]"
            Output.line("  \(series.citation): \(series.title): \(retention), then \(series.finalAction.rawValue)\(mark)")
        }
        if !unconfirmed.isEmpty {
            Output.line("\(unconfirmed.count) series unconfirmed: nothing is destroyed under them until the agency confirms them.")
        }
    }
}

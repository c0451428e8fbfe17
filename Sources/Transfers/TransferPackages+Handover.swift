public import Disposition
import Exports
public import Foundation

extension TransferPackages {
    /// Records that the records of an approved transfer list went to `archives`
    /// (`records.transferred`), naming the manifest SHA-256 of the package handed over: `package`,
    /// when given, must verify offline (`ExportVerifier`), be a package of this list, and be one
    /// recorded by ``produce(_:actor:role:now:progress:)``; without it, the newest package recorded
    /// for the list is named (none when no package was produced).
    /// - Throws: ``TransferPackageError/packageRejected(file:reason:)``, or ``DispositionError``
    ///   as ``DispositionLists/transfer(list:archives:reference:packageSHA256:actor:role:now:)``
    ///   refuses; nothing is written.
    @discardableResult
    public func recordTransfer(
        list: String, archives: String, reference: String, package: URL?, actor: String, role: String = DispositionLists.recordsOfficer,
        now: Date = Date()
    ) async throws -> (list: DispositionList, package: TransferPackage?) {
        let recorded = try await packages(list: list)
        var named = recorded.last
        if let package {
            named = try accepted(package, list: list, recorded: recorded)
        }
        let done = try await DispositionLists(store: store, ledger: ledger).transfer(
            list: list, archives: archives, reference: reference, packageSHA256: named?.manifestSHA256, actor: actor, role: role, now: now)
        return (done, named)
    }

    /// The recorded package `file` is, once it verifies.
    private func accepted(_ file: URL, list: String, recorded: [TransferPackage]) throws -> TransferPackage {
        let name = file.lastPathComponent
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw TransferPackageError.packageRejected(file: name, reason: "there is no such file")
        }
        let report = ExportVerifier.verify(bundle: file)
        guard report.ok else {
            throw TransferPackageError.packageRejected(
                file: name, reason: "it does not verify (\(report.problems.prefix(3).map(\.description).joined(separator: "; ")))")
        }
        guard report.transferList == list else {
            throw TransferPackageError.packageRejected(
                file: name, reason: report.transferList.map { "it is the package of list \($0)" } ?? "it is not a transfer package")
        }
        guard let package = recorded.first(where: { $0.manifestSHA256 == report.manifestSHA256 }) else {
            throw TransferPackageError.packageRejected(
                file: name, reason: "its manifest (SHA-256 \(report.manifestSHA256 ?? "?")) is not of a package recorded for \(list)")
        }
        return package
    }
}

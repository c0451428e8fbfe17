import Foundation
import Testing

/// The transcripts, the cover letter and a transfer package's transmittal letter pass axe-core's WCAG 2.1 A and AA rules in Chromium
/// (scripts/check-certificate-a11y.py with the venv of scripts/browser-venv.sh); required in CI,
/// skipped locally without `RECORDKEEPER_BROWSER_PYTHON`.
@Suite("Export HTML in a real browser")
struct ExportAccessibilityTests {
    @Test("every transcript, the cover letter and the transmittal letter pass axe-core, and print")
    func axe() throws {
        guard let python = ProcessInfo.processInfo.environment["RECORDKEEPER_BROWSER_PYTHON"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("RECORDKEEPER_BROWSER_PYTHON is not set: scripts/test.sh installs selenium and axe-core (scripts/browser-venv.sh)")
            }
            return
        }
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            let contents = try BundleContents(url: url)
            var pages: [String] = []
            for member in contents.members where member.path.hasSuffix(".html") {
                let page = directory.appendingPathComponent(member.path.replacingOccurrences(of: "/", with: "_"))
                try Data(member.bytes).write(to: page)
                pages.append(page.path)
            }
            // The transfer package's transmittal letter (it takes the cover letter's place there).
            let (package, _) = try fixture.writeTransferPackage(in: directory)
            let transmittal = directory.appendingPathComponent("transmittal_letter.html")
            try Data(try #require(try BundleContents(url: package).bytes("transmittal_letter.html"))).write(to: transmittal)
            pages.append(transmittal.path)
            #expect(pages.count == 5)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments =
                [PythonVerifier.repositoryRoot.appendingPathComponent("scripts/check-certificate-a11y.py").path] + pages
                + ["--pdf-dir", directory.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "the export's HTML fails axe-core in Chromium: \(report)")
        }
    }
}

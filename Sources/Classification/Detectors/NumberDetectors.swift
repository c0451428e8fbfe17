/// The detectors of numbers: Social Security, payment card, bank routing and bank account
/// numbers (docs/classification.md gives each rule).
enum NumberDetectors {
    static func findings(in text: ScanText) -> [SensitiveFinding] {
        var findings: [SensitiveFinding] = []
        for run in DigitRuns.runs(in: text.bytes) {
            findings += cards(in: run)
            for (index, chunk) in run.enumerated() where !chunk.tainted {
                if let finding = single(chunk, in: text) { findings.append(finding) }
                if let finding = spacedSSN(run, at: index) { findings.append(finding) }
            }
        }
        return findings
    }

    /// Payment cards: 13–19 digits over one or more consecutive chunks (spaces or dashes
    /// between groups), a known issuer prefix and the Luhn check. Longest match first.
    static func cards(in run: [DigitChunk]) -> [SensitiveFinding] {
        var findings: [SensitiveFinding] = []
        var start = 0
        while start < run.count {
            var matched = false
            // Every chunk has a digit: a card spans at most 19 chunks.
            var end = min(run.count, start + 19)
            while end > start {
                let window = run[start..<end]
                let digits = window.flatMap(\.digits)
                if !window.contains(where: \.tainted), (13...19).contains(digits.count),
                    window.allSatisfy({ $0.groups.allSatisfy { $0 >= 3 } || $0.groups.count == 1 }),
                    Checksums.knownCardPrefix(digits), Checksums.luhn(digits)
                {
                    findings.append(SensitiveFinding(kind: .paymentCard, utf8Range: window.first!.range.lowerBound..<window.last!.range.upperBound))
                    start = end
                    matched = true
                    break
                }
                end -= 1
            }
            if !matched { start += 1 }
        }
        return findings
    }

    /// One chunk: a dashed SSN, or a plain number whose meaning comes from the words near it.
    static func single(_ chunk: DigitChunk, in text: ScanText) -> SensitiveFinding? {
        let digits = chunk.digits
        if chunk.groups == [3, 2, 4] {
            return Checksums.validSSN(digits) ? SensitiveFinding(kind: .ssn, utf8Range: chunk.range) : nil
        }
        if chunk.groups == [9] {
            switch text.nearestContext(to: chunk.range, among: [.ssn, .routing, .account]) {
            case .ssn?: return Checksums.validSSN(digits) ? SensitiveFinding(kind: .ssn, utf8Range: chunk.range) : nil
            case .routing?: return Checksums.abaRouting(digits) ? SensitiveFinding(kind: .bankRouting, utf8Range: chunk.range) : nil
            case .account?: return SensitiveFinding(kind: .bankAccount, utf8Range: chunk.range)
            default: return nil
            }
        }
        if (6...17).contains(digits.count), chunk.groups.count == 1,
            text.nearestContext(to: chunk.range, among: [.ssn, .routing, .account, .birth, .licence]) == .account
        {
            return SensitiveFinding(kind: .bankAccount, utf8Range: chunk.range)
        }
        return nil
    }

    /// `123 45 6789`: three chunks making the whole run.
    static func spacedSSN(_ run: [DigitChunk], at index: Int) -> SensitiveFinding? {
        guard index == 0, run.count == 3, run.allSatisfy({ !$0.tainted && $0.groups.count == 1 }),
            run.map({ $0.groups[0] }) == [3, 2, 4]
        else { return nil }
        let digits = run.flatMap(\.digits)
        return Checksums.validSSN(digits) ? SensitiveFinding(kind: .ssn, utf8Range: run[0].range.lowerBound..<run[2].range.upperBound) : nil
    }
}

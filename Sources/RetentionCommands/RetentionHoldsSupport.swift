import Access
import ArgumentParser
import Foundation
import LedgerStore
import RecordkeeperRuntime
import Retention
import Workers

/// What the `recordkeeper retention holds …` commands share: roles and the forms of a hold.
enum HoldsCLI {
    /// The role given with `--role` (a staff role name); an unknown one exits 1.
    static func role(_ text: String, command: String, json: Bool) throws -> String {
        guard let role = StaffRole(name: text) else {
            RetentionCLI.refuse(command, LegalHoldError.invalidRole(text).description, json: json)
            throw ExitCode(1)
        }
        return role.rawValue
    }

    /// One line describing a hold's scope, for people.
    static func scopeText(_ scope: LegalHoldScope) -> String {
        var parts: [String] = []
        if !scope.citizens.isEmpty { parts.append("citizens \(scope.citizens.joined(separator: ", "))") }
        if !scope.conversations.isEmpty { parts.append("conversations \(scope.conversations.joined(separator: ", "))") }
        if !scope.businessNumbers.isEmpty { parts.append("business numbers \(scope.businessNumbers.joined(separator: ", "))") }
        if !scope.teams.isEmpty { parts.append("teams \(scope.teams.joined(separator: ", "))") }
        if let from = scope.from { parts.append("from \(RetentionCLI.iso(from))") }
        if let to = scope.to { parts.append("before \(RetentionCLI.iso(to))") }
        return parts.joined(separator: "; and ")
    }

    /// One line describing a hold, for people.
    static func summary(_ hold: LegalHold) -> String {
        let state = hold.release.map { "released \(RetentionCLI.iso($0.releasedAt)) by \($0.actor) as \($0.role)" } ?? "active"
        return
            "\(hold.id) \(hold.type.rawValue), matter \(hold.matter), custodian \(hold.custodian): \(state); placed \(RetentionCLI.iso(hold.placedAt)) by \(hold.actor) as \(hold.role)"
    }
}

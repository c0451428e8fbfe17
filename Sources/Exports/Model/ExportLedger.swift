public import Ledger

/// The ledger an export proves its messages against: its name, the signed checkpoint every
/// inclusion proof is computed for, and the public keys that verify that checkpoint.
public struct ExportLedger: Sendable, Hashable {
    /// The ledger's name, e.g. `agency-main` (docs/ledger-format.md section 2).
    public var name: String
    /// The signed checkpoint exactly as stored or published: the C2SP signed note text (body, an
    /// empty line, signature lines; section 12.3). Every message's proof is for its tree size.
    public var signedCheckpoint: String
    /// The verifier keys, one `name+keyid+base64` line each (section 12.4); at least one must
    /// verify the checkpoint. They are written to the bundle as `checkpoint.pub`.
    public var verifierKeys: [String]

    public init(name: String, signedCheckpoint: String, verifierKeys: [String]) {
        self.name = name
        self.signedCheckpoint = signedCheckpoint
        self.verifierKeys = verifierKeys
    }
}

/// One party of a conversation, as the transcript and the CSV name them.
public struct ExportParty: Sendable, Hashable {
    /// A stable identifier within the export, e.g. `agency` or `citizen`.
    public var id: String
    /// The name shown, e.g. `City of Example, Utilities` or `Requester's correspondent`.
    public var displayName: String
    /// Whether the party is the agency (its business number) rather than a member of the public.
    public var isAgency: Bool

    public init(id: String, displayName: String, isAgency: Bool) {
        self.id = id
        self.displayName = displayName
        self.isAgency = isAgency
    }
}

/// A conversation of the export: one transcript page is written per conversation.
public struct ExportConversation: Sendable, Hashable {
    /// The conversation's identifier: the ledger stream, e.g. `wa/1234/c-9f2e`.
    public var id: String
    /// The title shown on its transcript, e.g. `Conversation with a resident, Utilities team`.
    public var title: String
    /// Its parties.
    public var parties: [ExportParty]

    public init(id: String, title: String, parties: [ExportParty]) {
        self.id = id
        self.title = title
        self.parties = parties
    }
}

/// What the cover letter states besides the counts the writer computes.
public struct ExportCoverLetter: Sendable, Hashable {
    /// The agency producing the records, e.g. `City of Example`.
    public var agency: String
    /// The request's tracking number, e.g. `PRR-2026-0042`.
    public var requestID: String
    /// The installment number, 1 for the first.
    public var installment: Int
    /// When the installment is produced (also every tar member's time).
    public var producedAt: LedgerTimestamp
    /// A sentence or two on what this installment provides, written by the officer.
    public var summary: String
    /// Whom to contact about the request (an office, not a person's private details).
    public var contact: String
    /// Set for a transfer package: the archives' metadata (then `requestID` is the transfer list
    /// and `installment` 1, and the transmittal letter replaces the cover letter).
    public var transfer: ExportTransfer?

    public init(
        agency: String, requestID: String, installment: Int, producedAt: LedgerTimestamp, summary: String, contact: String,
        transfer: ExportTransfer? = nil
    ) {
        self.agency = agency
        self.requestID = requestID
        self.installment = installment
        self.producedAt = producedAt
        self.summary = summary
        self.contact = contact
        self.transfer = transfer
    }

    /// What the bundle is, as its transcripts and RSMF say: `public records request PRR-2026-0042,
    /// installment 2` or `transfer list DL-20271111-1a2b3c4d to Washington State Archives`.
    public var subject: String {
        if let transfer { return "transfer list \(transfer.list) to \(transfer.archives)" }
        return "public records request \(requestID), installment \(installment)"
    }
}

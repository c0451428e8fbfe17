import ArgumentParser
import Deadlines
import Foundation
import RecordkeeperRuntime
import Requests

/// `recordkeeper requests acknowledge ID`: records `request.acknowledged` with an estimate.
struct RequestsAcknowledge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acknowledge", abstract: "Acknowledge a request with a reasonable estimate of when records will be provided, and why.")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "The estimate: a day, YYYY-MM-DD.") var estimate: String
    @Option(help: "Why that estimate is reasonable (recorded in the encrypted payload).") var reason: String
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let day = try RequestsCLI.day(estimate, option: "--estimate", command: "acknowledge", json: options.json)
        let (id, reason) = (id, reason)
        let (r, now) = try await RequestsCLI.run("acknowledge", options) { requests, role, now in
            (try await requests.acknowledge(id, estimate: day, reason: reason, actor: Runtime.actor, role: role, now: now), now)
        }
        RequestsCLI.printed(r, json: options.json, now: now, "Acknowledged \(r.id): records estimated by \(day.weekday.name) \(day).")
    }
}

/// `recordkeeper requests estimate ID`: records `request.estimate_revised`.
struct RequestsEstimate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "estimate", abstract: "Revise a request's estimate, with the reason.")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "The new estimate: a day, YYYY-MM-DD.") var date: String
    @Option(help: "Why the estimate changes (required).") var reason: String
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let day = try RequestsCLI.day(date, option: "--date", command: "estimate", json: options.json)
        let (id, reason) = (id, reason)
        let (r, now) = try await RequestsCLI.run("estimate", options) { requests, role, now in
            (try await requests.reviseEstimate(id, to: day, reason: reason, actor: Runtime.actor, role: role, now: now), now)
        }
        RequestsCLI.printed(r, json: options.json, now: now, "Revised the estimate of \(r.id) to \(day.weekday.name) \(day).")
    }
}

/// `recordkeeper requests clarify ID`: records `request.clarification_requested`.
struct RequestsClarify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clarify",
        abstract: "Ask the requester to clarify: the request waits for them; unanswered after 30 days it may be closed as abandoned.")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "The question asked.") var question: String
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let (id, question) = (id, question)
        let (r, now) = try await RequestsCLI.run("clarify", options) { requests, role, now in
            (try await requests.requestClarification(id, question: question, actor: Runtime.actor, role: role, now: now), now)
        }
        RequestsCLI.printed(
            r, json: options.json, now: now,
            "\(r.id) waits for the requester's clarification; it may be closed as abandoned from \(r.abandonableFrom?.description ?? "?") if they do not answer."
        )
    }
}

/// `recordkeeper requests answer ID`: records `request.clarification_answered`.
struct RequestsAnswer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "answer", abstract: "Record the requester's answer to the pending clarification.")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "The requester's answer.") var answer: String
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let (id, answer) = (id, answer)
        let (r, now) = try await RequestsCLI.run("answer", options) { requests, role, now in
            (try await requests.answerClarification(id, answer: answer, actor: Runtime.actor, role: role, now: now), now)
        }
        let next = r.estimateDate == nil ? " Acknowledge it with an estimate next." : ""
        RequestsCLI.printed(r, json: options.json, now: now, "Recorded the answer: \(r.id) is in progress.\(next)")
    }
}

/// `recordkeeper requests status ID STATUS`: records `request.status_changed`.
struct RequestsStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Move a request to in_progress, installment_produced or waiting_for_requester.",
        discussion: """
            Allowed: open → installment_produced; acknowledged → in_progress, installment_produced, \
            waiting_for_requester; in_progress ↔ installment_produced; in_progress or installment_produced → \
            waiting_for_requester; waiting_for_requester → in_progress. An installment or a wait needs --note \
            (what was provided, what is awaited). Acknowledging, clarifying, closing and withdrawing have \
            commands of their own.
            """)

    @Argument(help: "The request (PRR-…).") var id: String
    @Argument(help: "The new status.") var status: String
    @Option(help: "What was provided, what is awaited, or why.") var note: String?
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        guard let target = RequestStatus(rawValue: status.lowercased().replacingOccurrences(of: "-", with: "_")) else {
            throw RequestsCLI.fail(
                "status", "\(status) is not a status: give \(RequestStatus.allCases.map(\.rawValue).joined(separator: ", "))", json: options.json)
        }
        let (id, note) = (id, note)
        let (r, now) = try await RequestsCLI.run("status", options) { requests, role, now in
            (try await requests.changeStatus(id, to: target, note: note, actor: Runtime.actor, role: role, now: now), now)
        }
        RequestsCLI.printed(r, json: options.json, now: now, "\(r.id) is \(r.status.rawValue).")
    }
}

/// `recordkeeper requests close ID`: records `request.closed`.
struct RequestsClose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a request with a reason: fulfilled, denied, partially_denied, no_records, withdrawn or abandoned.",
        discussion: """
            A denial (whole or partial) needs --withheld: the records withheld and the exemption that applies. \
            abandoned needs the request to have waited for the requester 30 days (RCW 42.56.520(3)).
            """)

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "Why it closes.") var reason: String
    @Option(help: "The records produced (for the request log).") var produced: String?
    @Option(help: "The records withheld and why, with the exemption (for the request log).") var withheld: String?
    @Option(help: "A note.") var note: String?
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        guard let why = CloseReason(rawValue: reason.lowercased().replacingOccurrences(of: "-", with: "_")) else {
            throw RequestsCLI.fail(
                "close", "--reason \(reason) is not a reason: give \(CloseReason.allCases.map(\.rawValue).joined(separator: ", "))", json: options.json)
        }
        let (id, produced, withheld, note) = (id, produced, withheld, note)
        let (r, now) = try await RequestsCLI.run("close", options) { requests, role, now in
            (
                try await requests.close(
                    id, reason: why, note: note, produced: produced, withheld: withheld, actor: Runtime.actor, role: role, now: now), now
            )
        }
        RequestsCLI.printed(r, json: options.json, now: now, "\(r.id) is \(r.status.rawValue) (\(why.rawValue)).")
    }
}

/// `recordkeeper requests withdraw ID`: records `request.closed` with the reason withdrawn.
struct RequestsWithdraw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "withdraw", abstract: "Record that the requester withdrew the request.")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "A note (how they withdrew it).") var note: String?
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let (id, note) = (id, note)
        let (r, now) = try await RequestsCLI.run("withdraw", options) { requests, role, now in
            (try await requests.withdraw(id, note: note, actor: Runtime.actor, role: role, now: now), now)
        }
        RequestsCLI.printed(r, json: options.json, now: now, "\(r.id) is withdrawn.")
    }
}

/// `recordkeeper requests appeal ID`: records `request.appealed`.
struct RequestsAppeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "appeal", abstract: "Record the requester's appeal (request for review).")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "The grounds of the appeal.") var grounds: String
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let (id, grounds) = (id, grounds)
        let (r, now) = try await RequestsCLI.run("appeal", options) { requests, role, now in
            (try await requests.appeal(id, grounds: grounds, actor: Runtime.actor, role: role, now: now), now)
        }
        RequestsCLI.printed(r, json: options.json, now: now, "Recorded an appeal of \(r.id): decide it with `recordkeeper requests review`.")
    }
}

/// `recordkeeper requests review ID`: records `request.appeal_decided`.
struct RequestsReview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Decide a pending appeal: affirmed, reversed or partially_reversed (a reversal reopens a closed request).")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "affirmed, reversed or partially_reversed.") var outcome: String
    @Option(help: "The decision's explanation.") var explanation: String
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        guard let decided = AppealOutcome(rawValue: outcome.lowercased().replacingOccurrences(of: "-", with: "_")) else {
            throw RequestsCLI.fail("review", "--outcome \(outcome) is not an outcome: give affirmed, reversed or partially_reversed", json: options.json)
        }
        let (id, explanation) = (id, explanation)
        let (r, now) = try await RequestsCLI.run("review", options) { requests, role, now in
            (try await requests.decideAppeal(id, outcome: decided, explanation: explanation, actor: Runtime.actor, role: role, now: now), now)
        }
        RequestsCLI.printed(r, json: options.json, now: now, "The appeal of \(r.id) is \(decided.rawValue); it is \(r.status.rawValue).")
    }
}

/// `recordkeeper requests fee ID`: records `request.fee_assessed` (--assess) or `request.deposit_paid` (--paid).
struct RequestsFee: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fee", abstract: "Assess a fee (with the deposit asked for), or record a payment.",
        discussion: "Give --assess AMOUNT --basis … [--deposit AMOUNT], or --paid AMOUNT [--note …]. Amounts in dollars: 12.50.")

    @Argument(help: "The request (PRR-…).") var id: String
    @Option(help: "The fee assessed, in dollars.") var assess: String?
    @Option(help: "The deposit asked for, in dollars (with --assess).") var deposit: String?
    @Option(help: "The basis of the fee (with --assess).") var basis: String?
    @Option(help: "A payment received, in dollars.") var paid: String?
    @Option(help: "A note on the payment.") var note: String?
    @OptionGroup var options: RequestsOptions

    func run() async throws {
        let json = options.json
        let id = id
        switch (assess, paid) {
        case (let assess?, nil):
            let amount = try RequestsCLI.cents(assess, option: "--assess", command: "fee", json: json)
            let depositCents = try deposit.map { try RequestsCLI.cents($0, option: "--deposit", command: "fee", json: json) } ?? 0
            let basis = basis ?? ""
            let (r, now) = try await RequestsCLI.run("fee", options) { requests, role, now in
                (
                    try await requests.assessFee(id, amountCents: amount, depositCents: depositCents, basis: basis, actor: Runtime.actor, role: role, now: now),
                    now
                )
            }
            RequestsCLI.printed(
                r, json: json, now: now,
                "Assessed \(RecordsRequestError.money(amount)) on \(r.id) (deposit \(RecordsRequestError.money(depositCents))); owed \(RecordsRequestError.money(r.balanceCents))."
            )
        case (nil, let paid?):
            guard deposit == nil, basis == nil else {
                throw RequestsCLI.fail("fee", "--deposit and --basis go with --assess, not --paid", json: json)
            }
            let amount = try RequestsCLI.cents(paid, option: "--paid", command: "fee", json: json)
            let note = note
            let (r, now) = try await RequestsCLI.run("fee", options) { requests, role, now in
                (try await requests.recordPayment(id, amountCents: amount, note: note, actor: Runtime.actor, role: role, now: now), now)
            }
            RequestsCLI.printed(
                r, json: json, now: now, "Recorded \(RecordsRequestError.money(amount)) paid on \(r.id); owed \(RecordsRequestError.money(r.balanceCents)).")
        default:
            throw RequestsCLI.fail("fee", "give --assess AMOUNT --basis … (a fee) or --paid AMOUNT (a payment), one of them", json: json)
        }
    }
}

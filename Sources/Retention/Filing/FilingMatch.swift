/// What filing rules look at in one message, or in a record without messages.
public struct FilingFacts: Sendable, Hashable {
    /// The business number (`phone_number_id`).
    public var businessNumber: String?
    /// The team the conversation is routed to now; nil when not routed.
    public var team: String?
    /// The message's classification category; a message not yet classified counts as
    /// ``FilingCategory/specialHandling`` (fail closed). Nil for a record without messages.
    public var category: FilingCategory?
    /// The text people wrote; nil for a record without messages.
    public var text: String?

    public init(businessNumber: String?, team: String?, category: FilingCategory? = nil, text: String? = nil) {
        self.businessNumber = businessNumber
        self.team = team
        self.category = category
        self.text = text
    }
}

extension FilingRules {
    /// The first rule that matches a message (``FilingFacts`` with a text and a category), or,
    /// for a record without messages (no text), the first rule naming only business numbers and
    /// teams that matches; nil when none does (the record goes to the default series).
    public func firstMatch(_ facts: FilingFacts) -> FilingRule? {
        let message = facts.text != nil
        let words = facts.text.map(FilingWords.init)
        let phrases = transitoryPhrases.map(FilingWords.init)
        return rules.first { rule in
            guard message || rule.when.isRecordLevel else { return false }
            return rule.when.holds(facts, words: words, phrases: phrases)
        }
    }
}

extension FilingConditions {
    func holds(_ facts: FilingFacts, words: FilingWords?, phrases: [FilingWords]) -> Bool {
        if let businessNumbers, !businessNumbers.contains(where: { $0 == facts.businessNumber }) { return false }
        if let teams, !teams.contains(where: { $0 == facts.team }) { return false }
        if let categories {
            guard let category = facts.category, categories.contains(category) else { return false }
        }
        if let keywords {
            guard let words, keywords.contains(where: { words.contains(FilingWords($0)) }) else { return false }
        }
        if transitory == true {
            guard let words, words.isMade(of: phrases) else { return false }
        }
        return true
    }
}

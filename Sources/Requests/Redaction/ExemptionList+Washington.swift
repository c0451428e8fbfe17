extension ExemptionList {
    /// The text of `config/exemptions/washington.yaml`, built in so that the service runs
    /// without the file (`ExemptionListTests` checks the two are the same).
    static let washingtonYAML = #"""
        # Exemption list: Washington's Public Records Act (chapter 42.56 RCW), the exemptions that most
        # often apply to citizens' WhatsApp messages. Used by redaction (docs/public-records.md,
        # "Redaction"); another list is named by RECORDKEEPER_EXEMPTIONS_FILE.
        #
        # Every redaction or withholding must state the specific exemption and a brief explanation of
        # how it applies to that record (RCW 42.56.210(3); PAWS v. UW, 1994; Rental Housing Ass'n v.
        # Des Moines, 2009; Lakewood v. Koenig, 2014). The explanation stem below only starts one: the
        # officer adds what is specific to the record, or the redaction is refused.
        #
        # `confirmed: true` means the citation was checked against the project's reference notes
        # (records-law.md). `confirmed: false` means the section is named there but the subsection, or
        # the citation as a whole, is not: check it against the current RCW (or with counsel) before
        # relying on it. Suggestions show which.

        name: washington
        version: "2026-12"

        exemptions:
          - code: financial-account
            citation: RCW 42.56.230(5)
            title: Credit card, debit card and bank account numbers
            information: a credit or debit card number, card expiration date, or bank or other financial account number
            explanation_stem: "Financial account information exempt under RCW 42.56.230(5):"
            confirmed: false
            note: records-law.md names card and bank account numbers under RCW 42.56.230; subsection (5) is not in it.

          - code: drivers-licence
            citation: RCW 42.56.230(7)
            title: Driver's licence and identicard information
            information: a driver's licence or identicard number, or a record used to prove identity for one
            explanation_stem: "Driver's licence information exempt under RCW 42.56.230(7):"
            confirmed: false
            note: records-law.md names driver's licence data under RCW 42.56.230; subsection (7) is not in it.

          - code: public-health-client
            citation: RCW 42.56.230(1)
            title: Personal information of clients of public institutions, public health agencies and welfare recipients
            information: personal information of a patient or client of a public institution or public health agency, or of a welfare recipient
            explanation_stem: "Personal information of a client of a public agency exempt under RCW 42.56.230(1):"
            confirmed: false
            note: records-law.md names these clients under RCW 42.56.230; subsection (1) is not in it.

          - code: health-information
            citation: RCW 42.56.360(2); chapter 70.02 RCW
            title: Health care information
            information: information about a person's health, diagnosis, treatment or medication
            explanation_stem: "Health care information exempt under RCW 42.56.360(2) and chapter 70.02 RCW:"
            confirmed: false
            note: not in records-law.md; check with counsel. Where the writer is a client of a public health agency, public-health-client may be the better fit.

          - code: employee-personal
            citation: RCW 42.56.250
            title: Public employees' personal information
            information: a public employee's residential address, personal telephone number or e-mail, Social Security number, licence numbers or birth date
            explanation_stem: "Personal information of a public employee exempt under RCW 42.56.250:"
            confirmed: true

          - code: ssn
            citation: RCW 42.56.250
            title: Social Security numbers
            information: a Social Security number
            explanation_stem: "Social Security number exempt under RCW 42.56.250:"
            confirmed: false
            note: records-law.md lists Social Security numbers under RCW 42.56.250, which concerns public employees; for a member of the public's number confirm the exemption with counsel.

          - code: date-of-birth
            citation: RCW 42.56.250
            title: Birth dates
            information: a person's date of birth
            explanation_stem: "Date of birth exempt under RCW 42.56.250:"
            confirmed: false
            note: not in records-law.md, which names employees' personal data under RCW 42.56.250; for a member of the public confirm the exemption with counsel.

          - code: network-security
            citation: RCW 42.56.420
            title: Security of information technology and telecommunications networks
            information: information that would put the security of the agency's networks or systems at risk (passwords, network diagrams, vulnerabilities)
            explanation_stem: "Network security information exempt under RCW 42.56.420:"
            confirmed: true

          - code: work-product
            citation: RCW 42.56.290
            title: Attorney work product (controversy)
            information: records relevant to a controversy to which the agency is a party, prepared by or for its attorneys
            explanation_stem: "Attorney work product exempt under RCW 42.56.290:"
            confirmed: true

          - code: attorney-client
            citation: RCW 42.56.070(1); RCW 5.60.060(2)(a)
            title: Attorney-client privilege
            information: a confidential communication between the agency and its attorney for legal advice
            explanation_stem: "Privileged attorney-client communication exempt under RCW 5.60.060(2)(a):"
            confirmed: false
            note: records-law.md names RCW 5.60.060; subsection (2)(a) and RCW 42.56.070(1) are not in it.

        # Which exemption each detector's findings suggest. A detector not named here makes no
        # suggestions (a bank routing number names a bank, not a person's account).
        detectors:
          ssn: ssn
          payment_card: financial-account
          bank_account: financial-account
          wa_drivers_license: drivers-licence
          date_of_birth: date-of-birth
          health: health-information

        # Words or phrases the agency always reviews (a protected person's name, an internal system's
        # name), matched without regard to case on word boundaries, each with the exemption it suggests.
        terms: []
        """#
}

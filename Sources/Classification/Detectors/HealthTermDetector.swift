/// Health information: a curated list of diagnoses, treatments, medications and health words in
/// English and Spanish, matched case-insensitively on word boundaries.
///
/// Left out on purpose: words whose everyday sense is not about health ("sick of", "aids" as in
/// hearing aids, "stroke of luck", "enfermo de esperar", "shot", "pills" in jokes, "positive").
enum HealthTermDetector {
    static let terms: [String] = [
        // English: conditions and diagnoses.
        "diabetes", "diabetic", "cancer", "tumor", "tumour", "leukemia", "hiv", "hiv positive", "hepatitis", "tuberculosis",
        "asthma", "copd", "depression", "depressed", "anxiety disorder", "panic attacks", "bipolar", "schizophrenia", "ptsd",
        "adhd", "autism", "autistic", "dementia", "alzheimer's", "alzheimers", "parkinson's", "epilepsy", "seizure", "seizures",
        "heart attack", "heart disease", "high blood pressure", "hypertension", "kidney failure", "dialysis", "pregnant",
        "pregnancy", "miscarriage", "abortion", "std", "stds", "sti", "chlamydia", "syphilis", "gonorrhea", "herpes",
        "overdose", "overdosed", "opioid addiction", "substance use disorder", "alcoholism", "eating disorder", "anorexia",
        "bulimia", "suicidal", "covid-19 positive", "tested positive", "multiple sclerosis", "lupus", "arthritis",
        "mental illness", "mental health", "diagnosed", "diagnosis", "chemotherapy", "chemo", "radiation therapy",
        "surgery", "psychiatrist", "psychiatric", "rehab", "detox", "hospitalized", "emergency room", "prescription",
        "prescribed", "medication", "medications", "medical records", "medical condition",
        // English: medications.
        "insulin", "metformin", "methadone", "suboxone", "buprenorphine", "naloxone", "narcan", "oxycodone", "fentanyl",
        "prozac", "zoloft", "sertraline", "fluoxetine", "xanax", "adderall", "lisinopril", "atorvastatin",
        "antidepressant", "antidepressants", "antiretroviral", "truvada",
        // Spanish.
        "diabético", "diabética", "diabetico", "diabetica", "cáncer", "tumor cerebral", "leucemia", "vih", "sida", "asma",
        "depresión", "deprimido", "deprimida", "ansiedad", "trastorno bipolar", "esquizofrenia", "demencia", "epilepsia",
        "convulsiones", "ataque al corazón", "ataque cardiaco", "presión alta", "hipertensión", "insuficiencia renal",
        "diálisis", "embarazada", "embarazo", "aborto espontáneo", "aborto", "enfermedad", "enfermedades",
        "sobredosis", "adicción", "discapacidad", "diagnosticado", "diagnosticada", "diagnóstico", "quimioterapia", "quimio",
        "cirugía", "cirugia", "psiquiatra", "salud mental", "receta médica", "medicamento", "medicamentos", "medicina para",
        "insulina", "metadona", "hospitalizado", "hospitalizada", "sala de emergencias", "historial médico", "tuberculosis",
        "hepatitis", "herpes", "sífilis", "gonorrea", "artritis",
    ]

    static let foldedTerms: [[UInt8]] = Array(Set(terms)).map { ScanText.fold(Array($0.utf8)) }

    static func findings(in text: ScanText) -> [SensitiveFinding] {
        var ranges: [Range<Int>] = []
        for term in foldedTerms { ranges += ScanText.occurrences(of: term, in: text.folded) }
        // Longest first, so "hiv positive" wins over "hiv"; then drop ranges inside another.
        ranges.sort { ($0.count, -$0.lowerBound) > ($1.count, -$1.lowerBound) }
        var kept: [Range<Int>] = []
        for range in ranges where !kept.contains(where: { $0.overlaps(range) }) { kept.append(range) }
        return kept.map { SensitiveFinding(kind: .health, utf8Range: $0) }
    }
}

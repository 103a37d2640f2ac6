/// The words the runbook planner knows: which phrases ask for which tool, which end an action list, and
/// which field names hold the steps, the actions, the severity and the fault type. Data, not code: a
/// guide with other wording needs a longer list here, never a new branch in the planner.
///
/// Every entry is compared as words (see ``RunbookToolRule``), ignoring case.
public struct RunbookVocabulary: Sendable, Hashable {
    /// The phrase-to-tool rules; a phrase matching several gets each tool, in the order they appear in it.
    public var rules: [RunbookToolRule]
    /// Phrases that end the action list (`No further action`). One of two or more words matches anywhere
    /// in a phrase; a one-word entry (`none`) only as the whole phrase. A section with no action field
    /// whose text has a sentence like this has an empty action list.
    public var stopPhrases: [String]
    /// Words that make a phrase a prohibition (`Do not call the operator`); such a phrase is never an
    /// action and is reported as unmapped.
    public var negations: [String]
    /// Words left out before matching: articles and fillers.
    public var ignoredWords: [String]
    /// Words that only order the list (`then`, `finally`), left out at the start of a phrase; a line of an
    /// action list starting with one is a new item.
    public var sequenceWords: [String]
    /// Words that start a condition (`if`, `when`); such a clause stays with the action after it.
    public var conditionWords: [String]
    /// Field names holding the action list: a name holding one of these (`Actions`, `Automated response`,
    /// `What the system does`) and none of ``stepFieldNames``.
    public var actionFieldNames: [String]
    /// Field names holding the troubleshooting steps (`Troubleshooting steps`, `Checks`).
    public var stepFieldNames: [String]
    /// Fields holding the severity, tried in order, compared whole.
    public var severityFieldNames: [String]
    /// Fields holding the fault type, tried in order, compared whole.
    public var faultTypeFieldNames: [String]
    /// Fields holding a title when the heading has none, tried in order, compared whole.
    public var titleFieldNames: [String]
    /// Heading words that are labels rather than a title (`Error code` in `Error code: E1`).
    public var headingLabelWords: [String]
    /// The tool a plan runs when the code has no section or the section has no action list, so that a
    /// person sees the fault.
    public var fallbackTool: RunbookTool

    /// Creates a vocabulary.
    public init(
        rules: [RunbookToolRule], stopPhrases: [String], negations: [String], ignoredWords: [String],
        sequenceWords: [String], conditionWords: [String], actionFieldNames: [String], stepFieldNames: [String],
        severityFieldNames: [String], faultTypeFieldNames: [String], titleFieldNames: [String],
        headingLabelWords: [String], fallbackTool: RunbookTool
    ) {
        self.rules = rules
        self.stopPhrases = stopPhrases
        self.negations = negations
        self.ignoredWords = ignoredWords
        self.sequenceWords = sequenceWords
        self.conditionWords = conditionWords
        self.actionFieldNames = actionFieldNames
        self.stepFieldNames = stepFieldNames
        self.severityFieldNames = severityFieldNames
        self.faultTypeFieldNames = faultTypeFieldNames
        self.titleFieldNames = titleFieldNames
        self.headingLabelWords = headingLabelWords
        self.fallbackTool = fallbackTool
    }

    /// The English vocabulary for `log_ticket`, `call_operator` and `clear_fault`.
    public static let standard = RunbookVocabulary(
        rules: [
            RunbookToolRule(
                tool: .logTicket,
                verbs: [
                    "log", "logs", "logged", "logging", "open", "opens", "opened", "opening", "create", "creates",
                    "created", "creating", "raise", "raises", "raised", "raising", "file", "files", "filed",
                    "filing", "submit", "submits", "submitted", "submitting", "record", "records", "recorded",
                    "register", "registers", "registered", "generate", "generates", "generated", "issue",
                    "issues", "issued", "cut", "enter", "enters", "entered", "add", "adds", "added", "start",
                    "starts", "started", "write", "writes", "book", "books", "booked",
                ],
                objects: [
                    "ticket", "tickets", "incident", "incidents", "work order", "work orders", "service request",
                    "maintenance request", "repair request", "case", "cases", "issue", "issues", "fault report",
                ]),
            RunbookToolRule(
                tool: .callOperator,
                phrases: [
                    "by phone", "by telephone", "via phone", "via telephone", "over phone", "phone call",
                    "telephone call", "voice call", "outbound call", "place call", "make call", "call out",
                ],
                verbs: [
                    "call", "calls", "called", "calling", "phone", "phones", "phoned", "phoning", "telephone",
                    "telephones", "telephoned", "ring", "rings", "rang", "ringing", "dial", "dials", "dialed",
                    "dialled", "dialing", "dialling",
                ],
                objects: [
                    "operator", "operators", "technician", "technicians", "tech", "engineer", "engineers", "owner",
                    "owners", "contact", "contacts", "person", "responder", "responders", "manager", "managers",
                    "supervisor", "staff", "team", "crew", "customer", "tenant", "someone", "duty", "standby",
                    "on call", "site",
                ]),
            RunbookToolRule(
                tool: .clearFault,
                phrases: ["reset command", "clear command", "clear fault", "fault reset", "fault clear"],
                verbs: [
                    "clear", "clears", "cleared", "clearing", "reset", "resets", "resetting",
                ],
                objects: [
                    "fault", "faults", "error", "errors", "alarm", "alarms", "error code", "fault code", "code",
                    "fault state", "fault flag", "trip",
                ]),
        ],
        stopPhrases: [
            "no further action", "no further actions", "nothing else", "nothing more", "nothing further",
            "no other action", "no other actions", "no more action", "no more actions", "no action",
            "no actions", "no action required", "no action needed", "take no action", "nothing to do",
            "none", "n a", "nothing",
        ],
        negations: ["not", "never", "dont", "cannot", "cant", "without", "no", "nor", "neither", "avoid", "skip"],
        ignoredWords: [
            "a", "an", "the", "this", "that", "to", "please", "immediately", "automatically", "any", "our", "your",
            "its", "their", "his", "her",
        ],
        sequenceWords: [
            "then", "and", "also", "finally", "first", "firstly", "second", "secondly", "third", "next", "lastly",
            "last", "afterwards", "after that", "and then",
        ],
        conditionWords: ["if", "when", "whenever", "unless", "once", "should", "while", "until", "in case"],
        actionFieldNames: [
            "action", "actions", "response", "responses", "reaction", "reactions", "automation", "automations",
            "system does", "system will", "system behaviour", "system behavior", "what happens next",
        ],
        stepFieldNames: [
            "troubleshooting", "troubleshoot", "step", "steps", "check", "checks", "checklist", "diagnosis",
            "diagnostic", "diagnostics", "procedure", "procedures", "remedy", "remedies", "resolution", "fix",
            "fixes", "repair", "repairs", "investigation", "inspection", "technician", "technicians",
        ],
        severityFieldNames: ["severity", "priority", "criticality", "urgency"],
        faultTypeFieldNames: ["fault type", "failure type", "fault category", "type", "category"],
        titleFieldNames: [
            "title", "name", "fault", "fault name", "description", "meaning", "summary", "problem", "fault type",
        ],
        headingLabelWords: [
            "error", "errors", "code", "codes", "fault", "faults", "warning", "warnings", "alarm", "alarms", "alert",
            "err", "event", "status", "id", "number", "no", "type", "condition", "message", "ref", "reference", "the",
        ],
        fallbackTool: .logTicket)
}

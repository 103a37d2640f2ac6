extension RunbookVocabulary {
    /// People a call can go to.
    private static let people =
        "operator|technician|tech|engineer|manager|owner|person|personnel|staff|team|crew|supervisor|responder"
        + "|oncall|duty officer|attendant|customer|client|someone|somebody|contact|caretaker|janitor|warden"
        + "|landlord|tenant|resident|service desk|helpdesk|help desk|maintenance|facility|facilities|dispatcher"

    /// English phrasing of ticket, call and clear-fault actions.
    public static let standard = RunbookVocabulary(
        phrases: [
            .logTicket: [
                "log|open|create|raise|file|record|submit|generate|register|enter|issue|add|make|write|start|lodge"
                    + "|book|put in|cut + ticket|incident|work order|workorder|job|case|service request"
                    + "|maintenance request|request|trouble ticket|fault report|report",
                "log|record|report|document|register > fault|error|event|issue|alarm|occurrence|problem|incident"
                    + "|failure|warning",
                "email|mail",
                "send + notification|summary|report",
                "log_ticket",
            ],
            .callOperator: [
                "call|phone|telephone|ring|dial|page + " + people,
                "contact|notify|alert|inform|escalate|ask|tell|reach|warn|get hold + " + people
                    + " + !email|mail|sms|text message|letter|chat",
                "place|make|start|initiate|trigger|set up|arrange > call|phone call|voice call",
                "phone call", "voice call", "telephone call", "outbound call", "call out", "callout", "call_operator",
            ],
            .clearFault: [
                "clear|reset|cancel|remove|dismiss|unlatch|unlock + fault|error|alarm|code|fault state|fault flag"
                    + "|fault condition|alert|lockout|lock out",
                "reset > device|unit|controller|system|equipment|machine",
                "clear + command",
                "clear_fault",
            ],
        ],
        noActionPhrases: [
            "no further action", "no other action", "no action", "nothing else", "none", "n/a", "that is all",
            "end of list", "nothing more",
        ],
        negationWords: [
            "no", "not", "never", "don't", "dont", "doesn't", "didn't", "isn't", "aren't", "won't", "shouldn't",
            "mustn't", "needn't", "cannot", "can't", "without", "nothing", "none", "neither", "nor", "avoid",
            "unnecessary", "unneeded", "skip", "refrain",
        ],
        actionVerbs: [
            "check", "inspect", "verify", "ensure", "wait", "send", "replace", "repair", "restart", "reboot", "update",
            "monitor", "schedule", "dispatch", "visit", "acknowledge", "record", "document", "note", "power", "turn",
            "switch", "shut", "stop", "start", "run", "test", "measure", "clean", "flush", "refill", "recharge",
            "tighten", "order", "assign", "close", "resolve", "keep", "leave", "ask", "tell", "await", "retry",
            "repeat", "confirm", "review", "investigate", "take", "perform", "trigger", "escalate", "text", "message",
            "sms", "email", "mail", "notify", "inform", "alert", "contact", "page", "phone", "call", "ring", "dial",
            "log", "open", "create", "raise", "file", "submit", "generate", "issue", "register", "lodge", "reset",
            "clear", "cancel", "dismiss", "remove", "isolate", "disconnect", "reconnect", "mute", "silence", "look",
            "listen", "observe", "collect", "download", "upload", "enable", "disable", "lock", "unlock", "mark",
            "flag", "set", "adjust", "increase", "decrease", "lower", "raise",
        ]
    )
}

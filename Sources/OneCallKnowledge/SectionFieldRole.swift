/// What a labelled field of a guide section is for, whatever the guide calls it.
public enum SectionFieldRole: String, Sendable, Hashable, CaseIterable {
    /// The error code the section covers ("Code: E7").
    case code
    /// The kind of fault ("Fault type: low_pressure").
    case faultType = "fault_type"
    /// How bad the fault is ("Severity", "Priority").
    case severity
    /// What the fault does to the unit.
    case effect
    /// What a technician checks ("Troubleshooting steps", "Diagnosis").
    case steps
    /// What the system does on its own ("Actions", "Response", "Escalation").
    case actions
}

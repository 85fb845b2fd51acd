/// An organisation as staff see it in the outreach directory: every field, where it is, and how
/// it has engaged with the office's consultations and events.
public struct OutreachEntry: Sendable, Equatable {
    public let organisation: Organisation
    /// Its country's UN M49 region (nil for a code the table does not know).
    public let region: String?
    public let members: Int
    /// Consultations that have opened and asked it.
    public let consultationsInvited: Int
    /// Contributions it submitted.
    public let consultationsAnswered: Int
    /// Events that have ended with someone holding a place on its behalf (registered or confirmed).
    public let eventsAttended: Int
}

/// What sort of gathering an event is.
public enum EventKind: String, Sendable, Equatable, CaseIterable, Codable {
    case virtualDialogue = "virtual-dialogue"
    case conference, webinar, workshop
}

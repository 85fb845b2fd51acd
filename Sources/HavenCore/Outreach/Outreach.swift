import Foundation
import PostgresClient

/// The staff's outreach directory: organisations found by country, region, kind, thematic area
/// and name, with their engagement, and the audience (for a consultation or an event) that the
/// result makes. Staff only: members see other organisations through `Organisations`, as those
/// chose to be shown. A read model: it owns no table and reads the organisations', the
/// consultations' and the events'.
public struct Outreach: Sendable {
    let pool: PostgresPool

    /// Most organisations one search returns.
    public static let limit = 2_000

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func search(_ filter: OutreachFilter, by actor: Actor) async throws -> [OutreachEntry] {
        try Access.require(actor, .useOutreachDirectory)
        let pattern = filter.text.map { "%" + Self.escapedForLike($0) + "%" }
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Organisations.qualifiedColumns), r.region,
                (SELECT count(*) FROM memberships m WHERE m.organisation_id = o.id)::int,
                (SELECT count(*) FROM consultations c WHERE c.opens_at <= now()
                    AND (c.audience_all OR o.id = ANY(c.audience_organisations) OR o.country = ANY(c.audience_countries)
                         OR o.thematic_areas && c.audience_thematic_areas))::int,
                (SELECT count(*) FROM consultation_contributions k WHERE k.organisation_id = o.id AND k.submitted_at IS NOT NULL)::int,
                (SELECT count(DISTINCT e.id) FROM events e JOIN event_registrations g ON g.event_id = e.id
                 WHERE e.ends_at <= now() AND g.organisation_id = o.id AND g.status IN ('registered', 'confirmed'))::int
            FROM organisations o LEFT JOIN country_regions r ON r.country = o.country
            WHERE (cardinality(\(filter.countries)::text[]) = 0 OR o.country = ANY(\(filter.countries)))
              AND (cardinality(\(filter.regions)::text[]) = 0 OR r.region = ANY(\(filter.regions)))
              AND (cardinality(\(filter.kinds.map(\.rawValue))::text[]) = 0 OR o.kind = ANY(\(filter.kinds.map(\.rawValue))))
              AND (cardinality(\(filter.thematicAreas.map(\.rawValue))::text[]) = 0 OR o.thematic_areas && \(filter.thematicAreas.map(\.rawValue)))
              AND (\(pattern)::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_each_text(o.names) n WHERE n.value ILIKE \(pattern) ESCAPE '\\'))
              AND (\(filter.status?.rawValue)::text IS NULL OR o.status = \(filter.status?.rawValue))
            ORDER BY coalesce(o.names->>'en', (SELECT min(value) FROM jsonb_each_text(o.names))), o.id
            LIMIT \(Self.limit)
            """
        )
        return try rows.map { row in
            let (region, members, invited, answered, attended) = try row.decode((String?, Int32, Int32, Int32, Int32).self, startingAt: 9)
            return OutreachEntry(
                organisation: try Organisations.organisation(from: row), region: region, members: Int(members),
                consultationsInvited: Int(invited), consultationsAnswered: Int(answered), eventsAttended: Int(attended)
            )
        }
    }

    /// `text` matched literally by LIKE: its wildcards and the escape character escaped.
    static func escapedForLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}

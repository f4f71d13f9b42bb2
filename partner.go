package phonelineplus

// PartnerService handles the partner's own settings and user permissions. Use it as Client.Partner.
type PartnerService service

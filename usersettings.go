package phonelineplus

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// User settings paths, relative to the base URL; both inferred (see
// endpoints.md).
const (
	pathUserCallSettings     = "/customers/{customerID}/users/{userID}/call-settings"
	pathUserScheduleSettings = "/customers/{customerID}/users/{userID}/schedule-settings"
)

// CallSettings is the body of Users.UpdateCallSettings (fields inferred).
// Nil fields are left as they are; at least one must be set.
type CallSettings struct {
	OutOfHoursEnabled *bool `json:"outOfHoursEnabled,omitzero"`
	VoicemailEnabled  *bool `json:"voicemailEnabled,omitzero"`
	RingTimeSeconds   *int  `json:"ringTimeSeconds,omitzero"` // 5 to 300
}

func (r CallSettings) normalize() (CallSettings, error) {
	var c checker
	if r == (CallSettings{}) {
		c.fail(invalid("CallSettings", "sets no field"))
	}
	if r.RingTimeSeconds != nil {
		c.fail(ringTime("ringTimeSeconds", *r.RingTimeSeconds))
	}
	return r, c.err
}

func ringTime(field string, n int) error {
	if n < 5 || n > 300 {
		return invalid(field, "must be between 5 and 300 seconds")
	}
	return nil
}

// Weekday is a day of the week in a ScheduleSettings.
type Weekday string

// Days of the week.
const (
	Monday    Weekday = "monday"
	Tuesday   Weekday = "tuesday"
	Wednesday Weekday = "wednesday"
	Thursday  Weekday = "thursday"
	Friday    Weekday = "friday"
	Saturday  Weekday = "saturday"
	Sunday    Weekday = "sunday"
)

// Availability says when a user takes calls on a day.
type Availability string

// Availabilities (wire values inferred).
const (
	AvailabilityAllDay      Availability = "all_day"
	AvailabilityUnavailable Availability = "unavailable"
	// AvailabilityBetween needs DaySchedule.From and To.
	AvailabilityBetween Availability = "between"
)

// OutOfHoursAction is what happens to calls outside the schedule.
type OutOfHoursAction string

// Out-of-hours actions (wire values inferred).
const (
	OutOfHoursVoicemail OutOfHoursAction = "voicemail"
	// OutOfHoursRedirectUser needs ScheduleSettings.RedirectUserID.
	OutOfHoursRedirectUser OutOfHoursAction = "redirect_user"
	// OutOfHoursRedirectExternal needs ScheduleSettings.RedirectNumber.
	OutOfHoursRedirectExternal OutOfHoursAction = "redirect_external"
)

// DaySchedule is one day of a ScheduleSettings.
type DaySchedule struct {
	Day          Weekday      `json:"day"`
	Availability Availability `json:"availability"`
	From         string       `json:"from,omitzero"` // "HH:MM", only with AvailabilityBetween
	To           string       `json:"to,omitzero"`   // "HH:MM", after From
}

// ScheduleSettings is the body of Users.UpdateScheduleSettings (fields
// inferred). It replaces the user's schedule.
type ScheduleSettings struct {
	Days             []DaySchedule    `json:"days"` // at least one, each day once
	OutOfHoursAction OutOfHoursAction `json:"outOfHoursAction"`
	RedirectUserID   string           `json:"redirectUserID,omitzero"` // required for OutOfHoursRedirectUser
	// RedirectNumber is required for OutOfHoursRedirectExternal: a UK
	// number in any form or "+<country code><number>", sent as E.164
	// digits without "+".
	RedirectNumber  string `json:"redirectNumber,omitzero"`
	RingTimeSeconds int    `json:"ringTimeSeconds,omitzero"` // seconds before the out-of-hours action, 5 to 300
	// AnnounceCalls and PresentDialledNumber apply to external redirects.
	AnnounceCalls        *bool `json:"announceCalls,omitzero"`
	PresentDialledNumber *bool `json:"presentDialledNumber,omitzero"`
}

func (r ScheduleSettings) normalize() (ScheduleSettings, error) {
	var c checker
	if len(r.Days) == 0 {
		c.fail(invalid("days", "is required"))
	}
	days := make([]DaySchedule, len(r.Days)) // never modify the caller's slice
	seen := map[Weekday]bool{}
	for i, d := range r.Days {
		f := fmt.Sprintf("days[%d].", i)
		c.fail(oneOf(f+"day", d.Day, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday))
		if c.err == nil && seen[d.Day] {
			c.fail(invalid(f+"day", "appears twice"))
		}
		seen[d.Day] = true
		c.fail(oneOf(f+"availability", d.Availability, AvailabilityAllDay, AvailabilityUnavailable, AvailabilityBetween))
		if d.Availability == AvailabilityBetween {
			c.check(f+"from", &d.From, clockTime)
			c.check(f+"to", &d.To, clockTime)
			if c.err == nil && d.From >= d.To {
				c.fail(invalid(f+"to", "must be after from"))
			}
		} else if d.From != "" {
			c.fail(invalid(f+"from", "is only allowed with availability between"))
		} else if d.To != "" {
			c.fail(invalid(f+"to", "is only allowed with availability between"))
		}
		days[i] = d
	}
	r.Days = days
	c.fail(oneOf("outOfHoursAction", r.OutOfHoursAction, OutOfHoursVoicemail, OutOfHoursRedirectUser, OutOfHoursRedirectExternal))
	if r.OutOfHoursAction == OutOfHoursRedirectUser || r.RedirectUserID != "" {
		c.fail(checkID("redirectUserID", r.RedirectUserID))
	}
	if r.OutOfHoursAction == OutOfHoursRedirectExternal {
		c.check("redirectNumber", &r.RedirectNumber, anyE164)
	} else {
		c.optional("redirectNumber", &r.RedirectNumber, anyE164)
	}
	if r.RingTimeSeconds != 0 {
		c.fail(ringTime("ringTimeSeconds", r.RingTimeSeconds))
	}
	return r, c.err
}

// clockTime checks a 24-hour "HH:MM" time.
func clockTime(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' ||
		s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9' || s[:2] > "23" {
		return "", invalid(field, `must be a 24-hour time "HH:MM"`)
	}
	return s, nil
}

// UpdateCallSettings changes a user's call settings ("Update Call
// Settings"); nil fields stay as they are. Idempotent: retried on 5xx and
// network errors.
//
// API: PUT /customers/{customerID}/users/{userID}/call-settings (path and
// fields inferred from public material; if your account's reference
// differs, call Client.Do).
func (s *UsersService) UpdateCallSettings(ctx context.Context, customerID, userID string, req CallSettings, opts ...CallOption) error {
	path, err := expandPath(pathUserCallSettings, customerID, userID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return err
	}
	return s.client.do(ctx, &call{op: "Users.UpdateCallSettings", method: http.MethodPut, tmpl: pathUserCallSettings, path: path, body: req, opts: opts})
}

// UpdateScheduleSettings replaces a user's weekly schedule and what happens
// to calls outside it ("Update Schedule Settings"). Idempotent: retried on
// 5xx and network errors.
//
// API: PUT /customers/{customerID}/users/{userID}/schedule-settings (path
// and fields inferred from public material; if your account's reference
// differs, call Client.Do).
func (s *UsersService) UpdateScheduleSettings(ctx context.Context, customerID, userID string, req ScheduleSettings, opts ...CallOption) error {
	path, err := expandPath(pathUserScheduleSettings, customerID, userID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return err
	}
	return s.client.do(ctx, &call{op: "Users.UpdateScheduleSettings", method: http.MethodPut, tmpl: pathUserScheduleSettings, path: path, body: req, opts: opts})
}

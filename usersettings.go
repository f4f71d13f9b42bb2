package phonelineplus

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// User settings paths, relative to the base URL; both inferred.
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
	if r.RingTimeSeconds != nil {
		c.fail(ringTime("ringTimeSeconds", *r.RingTimeSeconds))
	}
	c.fail(setsNothing("CallSettings", r))
	return r, c.err
}

// Validate reports the first problem Users.UpdateCallSettings would refuse
// r for, as a *ValidationError naming the field, without sending anything:
// the method runs the same check before each request.
func (r CallSettings) Validate() error {
	_, err := r.normalize()
	return err
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
	// AvailabilityBetween goes with DaySchedule.From and To.
	AvailabilityBetween Availability = "between"
)

// OutOfHoursAction is what happens to calls outside the schedule.
type OutOfHoursAction string

// Out-of-hours actions (wire values inferred).
const (
	OutOfHoursVoicemail OutOfHoursAction = "voicemail"
	// OutOfHoursRedirectUser goes with ScheduleSettings.RedirectUserID.
	OutOfHoursRedirectUser OutOfHoursAction = "redirect_user"
	// OutOfHoursRedirectExternal goes with ScheduleSettings.RedirectNumber.
	OutOfHoursRedirectExternal OutOfHoursAction = "redirect_external"
)

// DaySchedule is one day of a ScheduleSettings. Day and Availability take
// the constants above or your account's own spellings: any value is sent.
type DaySchedule struct {
	Day          Weekday      `json:"day,omitzero"`
	Availability Availability `json:"availability,omitzero"`
	From         string       `json:"from,omitzero"` // "HH:MM"; not with AvailabilityAllDay or AvailabilityUnavailable
	To           string       `json:"to,omitzero"`   // "HH:MM", after From
}

// ScheduleSettings is the body of Users.UpdateScheduleSettings (fields
// inferred). It replaces the user's schedule. Every field is optional, but
// one must be set.
type ScheduleSettings struct {
	Days []DaySchedule `json:"days,omitzero"` // each day at most once
	// OutOfHoursAction takes the OutOfHours constants or your account's
	// own spelling: any value is sent.
	OutOfHoursAction OutOfHoursAction `json:"outOfHoursAction,omitzero"`
	RedirectUserID   string           `json:"redirectUserID,omitzero"` // for OutOfHoursRedirectUser
	// RedirectNumber is for OutOfHoursRedirectExternal: a UK number in any
	// form, or an international one with its country code, sent as E.164
	// digits without "+".
	RedirectNumber  string `json:"redirectNumber,omitzero"`
	RingTimeSeconds int    `json:"ringTimeSeconds,omitzero"` // seconds before the out-of-hours action, 5 to 300
	// AnnounceCalls and PresentDialledNumber apply to external redirects.
	AnnounceCalls        *bool `json:"announceCalls,omitzero"`
	PresentDialledNumber *bool `json:"presentDialledNumber,omitzero"`
}

func (r ScheduleSettings) normalize() (ScheduleSettings, error) {
	var c checker
	var days []DaySchedule // a copy: never modify the caller's slice; nil when there are none
	if len(r.Days) > 0 {
		days = make([]DaySchedule, len(r.Days))
	}
	seen := map[Weekday]bool{}
	for i, d := range r.Days {
		f := fmt.Sprintf("days[%d].", i)
		if d.Day != "" {
			c.fail(anyValue(f+"day", d.Day))
			if c.err == nil && seen[d.Day] {
				c.fail(invalid(f+"day", "appears twice"))
			}
			seen[d.Day] = true
		}
		if d.Availability != "" {
			c.fail(anyValue(f+"availability", d.Availability))
		}
		c.optional(f+"from", &d.From, clockTime)
		c.optional(f+"to", &d.To, clockTime)
		switch {
		case d.Availability != AvailabilityAllDay && d.Availability != AvailabilityUnavailable:
		case d.From != "":
			c.fail(invalid(f+"from", "is not allowed with availability "+string(d.Availability)))
		case d.To != "":
			c.fail(invalid(f+"to", "is not allowed with availability "+string(d.Availability)))
		}
		if c.err == nil && d.From != "" && d.To != "" && d.From >= d.To {
			c.fail(invalid(f+"to", "must be after from"))
		}
		days[i] = d
	}
	r.Days = days
	if r.OutOfHoursAction != "" {
		c.fail(anyValue("outOfHoursAction", r.OutOfHoursAction))
	}
	if r.RedirectUserID != "" {
		c.fail(checkID("redirectUserID", r.RedirectUserID))
	}
	c.optional("redirectNumber", &r.RedirectNumber, anyE164)
	if r.RingTimeSeconds != 0 {
		c.fail(ringTime("ringTimeSeconds", r.RingTimeSeconds))
	}
	if len(r.Days) == 0 && r.OutOfHoursAction == "" && r.RedirectUserID == "" && r.RedirectNumber == "" &&
		r.RingTimeSeconds == 0 && r.AnnounceCalls == nil && r.PresentDialledNumber == nil {
		c.fail(invalid("ScheduleSettings", "sets no field"))
	}
	return r, c.err
}

// Validate reports the first problem Users.UpdateScheduleSettings would
// refuse r for, as a *ValidationError naming the field, without sending
// anything: the method runs the same check before each request.
func (r ScheduleSettings) Validate() error {
	_, err := r.normalize()
	return err
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
// API: PUT /customers/{customerID}/users/{userID}/call-settings (inferred)
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
// API: PUT /customers/{customerID}/users/{userID}/schedule-settings (inferred)
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

package phonelineplustest

import "net/http"

// listNumbers serves GET /customers/{customerID}/numbers/.
func (s *Server) listNumbers(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf(s.st.numbers.list(func(n *Number) bool { return n.CustomerID == cust.CustomerID }, same)), nil
}

// createNumber serves POST /customers/{customerID}/numbers: the number
// leaves the available pool.
func (s *Server) createNumber(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	var req NumberRef
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if req.NumberE164 == "" {
		return 0, nil, required("numberE164")
	}
	if err := s.st.checkNumberFree("numberE164", req.NumberE164); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, s.st.takeNumber(cust.CustomerID, req.NumberE164, ""), nil
}

// getNumber serves GET /customers/{customerID}/numbers/{numberID}.
func (s *Server) getNumber(c *call) (int, any, error) {
	if _, err := s.st.customer(c.params[0]); err != nil {
		return 0, nil, err
	}
	n, err := s.st.number(c.params[0], c.params[1])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, n, nil
}

// allocateNumber serves PUT /customers/{customerID}/numbers/{numberID}/allocate.
// The user must be the customer's. A number allocated to someone else
// moves to the new user.
func (s *Server) allocateNumber(c *call) (int, any, error) {
	if _, err := s.st.customer(c.params[0]); err != nil {
		return 0, nil, err
	}
	n, err := s.st.number(c.params[0], c.params[1])
	if err != nil {
		return 0, nil, err
	}
	var req Allocation
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if req.UserID == "" {
		return 0, nil, required("userID")
	}
	if _, err := s.st.user(c.params[0], req.UserID); err != nil {
		return 0, nil, err
	}
	n.AllocatedTo = req
	return http.StatusOK, n, nil
}

// deallocateNumber serves DELETE /customers/{customerID}/numbers/{numberID}/deallocate.
func (s *Server) deallocateNumber(c *call) (int, any, error) {
	if _, err := s.st.customer(c.params[0]); err != nil {
		return 0, nil, err
	}
	n, err := s.st.number(c.params[0], c.params[1])
	if err != nil {
		return 0, nil, err
	}
	n.AllocatedTo = Allocation{}
	return http.StatusOK, n, nil
}

// blockedRequest is the body of POST and PUT on blocked numbers.
type blockedRequest struct {
	NumberE164  string `json:"numberE164"`
	Direction   string `json:"direction"`
	Description string `json:"description"`
}

func (r blockedRequest) check() error {
	switch {
	case r.NumberE164 == "":
		return required("numberE164")
	case !allDigits(r.NumberE164) || len(r.NumberE164) < 8 || len(r.NumberE164) > 15:
		return badRequest("numberE164 %q must be 8 to 15 E.164 digits without +", r.NumberE164)
	case r.Direction == "":
		return required("direction")
	case r.Direction != "inbound" && r.Direction != "outbound" && r.Direction != "both":
		return badRequest("direction must be inbound, outbound or both, not %q", r.Direction)
	}
	return nil
}

func (st *state) blockedNumber(customerID, id string) (*BlockedNumber, error) {
	if _, err := st.customer(customerID); err != nil {
		return nil, err
	}
	if b, ok := st.blocked.get(id); ok && b.CustomerID == customerID {
		return b, nil
	}
	return nil, notFound("Blocked number", id)
}

// listBlocked serves GET /customers/{customerID}/blocked-numbers.
func (s *Server) listBlocked(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf(s.st.blocked.list(func(b *BlockedNumber) bool { return b.CustomerID == cust.CustomerID }, same)), nil
}

// createBlocked serves POST /customers/{customerID}/blocked-numbers.
func (s *Server) createBlocked(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	var req blockedRequest
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if err := req.check(); err != nil {
		return 0, nil, err
	}
	b := &BlockedNumber{ID: newUUID(), CustomerID: cust.CustomerID, NumberE164: req.NumberE164,
		Direction: req.Direction, Description: req.Description}
	s.st.blocked.put(b.ID, b)
	return http.StatusCreated, b, nil
}

// getBlocked serves GET /customers/{customerID}/blocked-numbers/{blockedNumberID}.
func (s *Server) getBlocked(c *call) (int, any, error) {
	b, err := s.st.blockedNumber(c.params[0], c.params[1])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, b, nil
}

// updateBlocked serves PUT /customers/{customerID}/blocked-numbers/{blockedNumberID}:
// the whole entry is replaced.
func (s *Server) updateBlocked(c *call) (int, any, error) {
	b, err := s.st.blockedNumber(c.params[0], c.params[1])
	if err != nil {
		return 0, nil, err
	}
	var req blockedRequest
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if err := req.check(); err != nil {
		return 0, nil, err
	}
	b.NumberE164, b.Direction, b.Description = req.NumberE164, req.Direction, req.Description
	return http.StatusOK, b, nil
}

// deleteBlocked serves DELETE /customers/{customerID}/blocked-numbers/{blockedNumberID}.
func (s *Server) deleteBlocked(c *call) (int, any, error) {
	b, err := s.st.blockedNumber(c.params[0], c.params[1])
	if err != nil {
		return 0, nil, err
	}
	s.st.blocked.del(b.ID)
	return http.StatusNoContent, nil, nil
}

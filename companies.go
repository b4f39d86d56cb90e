package bc

// Companies returns the companies of the environment (standard API): list
// them to find the ids that Company takes. Each has id, name, displayName
// and businessProfileId.
func (c *Client) Companies() CompaniesSet { return c.StandardAPI().Companies() }

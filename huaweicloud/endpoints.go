package huaweicloud

// otcRegions are Open Telekom Cloud's regions, whose hosts are not
// Huawei Cloud's.
var otcRegions = map[string]bool{"eu-de": true, "eu-nl": true}

// DefaultDCSEndpoint is the DCS endpoint of a region:
// https://dcs.{region}.myhuaweicloud.com, or Open Telekom Cloud's
// https://dcs.{region}.otc.t-systems.com for eu-de and eu-nl.
func DefaultDCSEndpoint(region string) string {
	if otcRegions[region] {
		return "https://dcs." + region + ".otc.t-systems.com"
	}
	return "https://dcs." + region + ".myhuaweicloud.com"
}

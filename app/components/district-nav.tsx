import { TabBar } from "~/components/layout";
import type { NavItem } from "./nav";

/** Tabs of the district centre's pages (DISTRICT_TABS), keeping `?d=` when the person oversees several districts. */
export function DistrictNav({
  tabs,
  districtId,
  several,
}: {
  tabs: NavItem[];
  districtId: number;
  several: boolean;
}) {
  return <TabBar items={tabs} label="区指导中心" search={several ? `?d=${districtId}` : ""} />;
}

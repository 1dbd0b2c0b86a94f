import { NavLink } from "@remix-run/react";

/** Tabs of the district centre's pages, keeping `?d=` when the person oversees several districts. */
export function DistrictNav({ districtId, several }: { districtId: number; several: boolean }) {
  const q = several ? `?d=${districtId}` : "";
  return (
    <nav className="filter-bar tabs" aria-label="区指导中心">
      <NavLink to={`/district${q}`} end>
        本区书院
      </NavLink>
      <NavLink to={`/district/runs${q}`}>开课</NavLink>
      <NavLink to={`/district/orders${q}`}>点单</NavLink>
      <NavLink to={`/district/evaluations${q}`}>评价</NavLink>
      <NavLink to={`/district/organisations${q}`}>居民组织</NavLink>
      <NavLink to="/district/stats">统计</NavLink>
    </nav>
  );
}

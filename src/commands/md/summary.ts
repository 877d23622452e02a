// The md group's one-line summary, apart from its code: the top-level help lists md without loading it.

export const MD_SUMMARY =
  'Linux md RAID5/6 arrays from member images or disks: examine, layout, check, rebuild, export, serve, detect';

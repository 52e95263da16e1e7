/** The windowed agent table, its CSV export and saved filters (English). */
export const agentTableEn = {
  'agentTable.label': 'Agents matching the filters',
  'agentTable.col.version': 'Version',
  'agentTable.count': '{total} agents',
  'agentTable.keys': 'Arrow keys move between rows; Page Up, Page Down, Home and End jump.',
  'agentTable.export': 'Export CSV',
  'agentTable.exportTitle': 'Download these {total} agents as CSV, in this order',

  'savedFilters.label': 'Saved filters',
  'savedFilters.none': 'None saved yet',
  'savedFilters.choose': 'Choose a saved filter…',
  'savedFilters.save': 'Save filters…',
  'savedFilters.name': 'Name of the saved filter',
  'savedFilters.confirmSave': 'Save',
  'savedFilters.cancel': 'Cancel',
  'savedFilters.replaces': 'Replaces the saved filter of this name',
  'savedFilters.delete': 'Delete “{name}”',
  'savedFilters.saved': 'Saved “{name}”',
  'savedFilters.deleted': 'Deleted “{name}”',
  'savedFilters.full': 'You can keep at most {max} saved filters: delete one first.',
} as const;

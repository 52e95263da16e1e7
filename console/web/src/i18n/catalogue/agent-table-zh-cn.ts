import type { agentTableEn } from './agent-table-en';

/** 窗口化的终端表格、CSV 导出和已保存的筛选（简体中文）。 */
export const agentTableZhCn: Record<keyof typeof agentTableEn, string> = {
  'agentTable.label': '符合筛选条件的终端',
  'agentTable.col.version': '版本',
  'agentTable.count': '共 {total} 台终端',
  'agentTable.keys': '方向键在行间移动；PageUp、PageDown、Home 和 End 可跳转。',
  'agentTable.export': '导出 CSV',
  'agentTable.exportTitle': '按当前顺序将这 {total} 台终端下载为 CSV',

  'savedFilters.label': '已保存的筛选',
  'savedFilters.none': '尚未保存',
  'savedFilters.choose': '选择已保存的筛选…',
  'savedFilters.save': '保存筛选…',
  'savedFilters.name': '筛选名称',
  'savedFilters.confirmSave': '保存',
  'savedFilters.cancel': '取消',
  'savedFilters.replaces': '将替换同名的已保存筛选',
  'savedFilters.delete': '删除“{name}”',
  'savedFilters.saved': '已保存“{name}”',
  'savedFilters.deleted': '已删除“{name}”',
  'savedFilters.full': '最多只能保存 {max} 个筛选，请先删除一个。',
};

import type { integrityEn } from './integrity-en';

/** 终端视图中的完整性信息：残余限制、加固开关、密钥固定（简体中文）。 */
export const integrityZhCn: Record<keyof typeof integrityEn, string> = {
  'cap.residuals': '残余限制（提示信息）',
  'cap.residual.stdin-scripts': '由非解释器程序通过标准输入传入、或以命令行文本传入（bash -c "$(cat x.sh)"）的脚本无法判定',
  'cap.residual.anonymous-exec-memory': '从 memfd 或匿名内存运行的代码',
  'cap.residual.userns-new-filesystem-race': '在用户命名空间中新建的文件系统可能在被监视前运行',
  'cap.residual.direct-loader': '直接用动态加载器运行文件',
  'cap.residual.window-capture-exclusion-linux': 'Linux 上没有窗口防截屏',
  'cap.residual.name-rules-by-resolved-name': '名称规则仅匹配标准程序目录中的链接（建议使用 sha256 规则）',
  'cap.residual.kill-after-start': '被阻止的程序在启动后才被终止',
  'cap.residual.allowlist-unmarked-scripts': '白名单模式：解释器读取的无代码标记（无执行位、扩展名或 #!）的脚本被视为数据',
  'cap.residual.renamed-interpreter-copy': '改名复制的解释器运行脚本不受判定（白名单模式或 sha256 规则可关闭）',
  'cap.residual.write-before-exec': '与执行在微秒级竞争的写入无法察觉',
  'cap.residual.user-fuse-mounts': '其他用户 FUSE 挂载上的程序不受判定',
  'cap.residual.self-mapped-code': '进程自行把程序文件映射为代码（如用 Python 写的加载器），不经 exec 即可运行',
  'cap.apps.lsmActive': 'BPF LSM 已生效：memfd 执行、尚未监视的文件系统、被拒文件的代码映射均在内核中拒绝',
  'cap.apps.lsmMissing': '此内核上 BPF LSM 未生效（{reason}）',
  'cap.residual.helper-restart-window': '执行前拦截助手重启期间（数十毫秒）启动的程序不受判定',
  'cap.residual.closed': '本机已关闭',
  'cap.residual.closedBy': '已由加固开关 {switch} 关闭',
  'cap.residual.closableBy': '可由加固开关 {switch} 关闭',
  'cap.hardening.problem': '已要求加固 {switch}，但未生效（{state}）',
  'cap.hardening.on': '加固 {switch}：已开启（{value}）',
  'cap.trust.key.config': '控制台密钥由配置固定',
  'cap.trust.key.first-use': '控制台密钥在首次连接时固定',
  'cap.trust.key.none': '尚未固定控制台密钥',
};

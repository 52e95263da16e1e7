/**
 * Characters that make masked Chinese names look like names: common surnames for the first
 * character of a pseudonym, and characters common in given names for the rest. Every one is in
 * GB2312, so a masked GB18030 file stays encodable in GBK.
 */
export const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';

export const GIVEN_NAME_CHARACTERS = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建文辉力鹏宇浩凯俊帅飞斌宁欣雪琳晨阳婷燕晶颖倩璐鑫彤佳悦思雨子涵梓轩一诺博睿嘉瑞泽昊然天翔志远海峰振国永春光荣德成立新世昌家豪云霖晓东丹妮琪玲慧珍淑兵亮健';

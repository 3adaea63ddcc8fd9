<!DOCTYPE map [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
]>
<map version="1.0.1">
<node TEXT="Centre">
<node TEXT="&b;"/>
</node>
</map>

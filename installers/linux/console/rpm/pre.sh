# %pre ($1: 1 on install, 2 or more on upgrade): refuses a downgrade; creates the service's user
# before the files land (the Fedora way), so %post only makes its folders.
set -e
#PACKAGE_VERSION_FUNCTIONS#
#CONSOLE_SETUP_FUNCTIONS#
package_version='#VERSION#'
# The newer console may have migrated its database.
if [ "$1" -gt 1 ]; then dlp_refuse_rpm_downgrade dlp-console "$package_version" || exit 1; fi
dlp_console_user
exit 0
